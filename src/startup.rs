//! The only module that wires everything together: database, state, HTTP
//! server and routes. Tests boot the application exactly as `serve` does.

use crate::{
    api, db,
    error::{AppError, ErrorBody},
    federation::{self, context::Federation, delivery, processor},
    operations,
    services::AppState,
    settings::Settings,
    web as pages,
};
use actix_web::{
    App, HttpResponse, HttpServer,
    body::{BoxBody, MessageBody},
    dev::{Server, ServiceRequest, ServiceResponse},
    http::header,
    middleware::{ErrorHandlerResponse, ErrorHandlers, Next, from_fn},
    web,
};
use anyhow::Context;
use futures_util::FutureExt;
use std::{net::TcpListener, panic::AssertUnwindSafe};

/// A bound, ready-to-run instance.
pub struct Application {
    server: Server,
    port: u16,
    state: AppState,
    /// The embedded PostgreSQL cluster, stopped after the server stops.
    cluster: Option<db::embedded::Cluster>,
    /// Tells the queue workers to finish.
    stop: tokio::sync::watch::Sender<bool>,
    /// The queue workers, awaited on shutdown.
    workers: Vec<tokio::task::JoinHandle<()>>,
    /// Periodic chores, dropped on shutdown.
    chores: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Finds the database (starting the embedded cluster when that is the
    /// choice), creates it if needed, migrates it, ensures the instance
    /// actor exists and binds the listener (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        Self::build_on(settings, listener).await
    }

    /// Like [`Application::build`], on a listener the caller bound already.
    pub async fn build_on(
        mut settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Application> {
        install_crypto_provider();
        let (url, mut cluster) = db::embedded::locate(&settings).await?;
        if let Some(cluster) = cluster.as_mut() {
            // The server stops the cluster when it stops, whoever started it.
            cluster.take_responsibility();
        }
        settings.database_url = url;
        let redacted = settings.database_url_redacted();
        db::create_database_if_missing(&settings.database_url, &redacted).await?;
        db::run_migrations(&settings.database_url, &redacted).await?;
        let pool = db::connect(
            &settings.database_url,
            &redacted,
            settings.database_pool_size,
            db::Commit::Durable,
        )
        .await?;
        let port = listener.local_addr()?.port();
        let state = app_state(settings, pool);
        ensure_instance_actor(&state).await?;
        let fed = Federation::new(state.clone())?;
        let (stop, stopping) = federation::stop::signal();
        let (mut workers, mut chores) = (Vec::new(), Vec::new());
        if state.settings.workers {
            // The queue workers commit asynchronously, on their own pool.
            let queue = db::connect(
                &state.settings.database_url,
                &redacted,
                state.settings.worker_pool_size,
                db::Commit::Asynchronous,
            )
            .await?;
            let queue = fed.on_pool(queue);
            workers.push(tokio::spawn(delivery::run(queue.clone(), stopping.clone())));
            workers.push(tokio::spawn(processor::run(queue, stopping)));
            chores.push(tokio::spawn(purge_expired_sessions(state.clone())));
            chores.push(tokio::spawn(top_up_series(state.clone())));
            chores.push(tokio::spawn(refresh_directory_figures(state.clone())));
            chores.push(tokio::spawn(celebrate_anniversaries(state.clone())));
            chores.push(tokio::spawn(run_proposal_clock(state.clone())));
        }
        let server = run(listener, fed)?;
        Ok(Application {
            server,
            port,
            state,
            cluster,
            stop,
            workers,
            chores,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (for tests and the CLI).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A handle that stops the server as SIGTERM does (`stop(true)`):
    /// [`Application::run_until_stopped`] then stops the workers and returns.
    pub fn stop_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the process is stopped. On SIGTERM or SIGINT, the server
    /// stops accepting connections and finishes the requests in flight (up
    /// to 30 s); then the queue workers claim nothing more and finish what
    /// they hold, recording each outcome (what stays queued is picked up on
    /// the next start); then the embedded cluster stops.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let served = self.server.await;
        let _ = self.stop.send(true);
        for chore in &self.chores {
            chore.abort();
        }
        for worker in self.workers {
            let _ = worker.await;
        }
        tracing::info!("stopped: requests answered, queue workers finished");
        if let Some(mut cluster) = self.cluster {
            self.state.pool.close();
            tokio::task::spawn_blocking(move || cluster.release()).await??;
        }
        Ok(served?)
    }
}

/// Deletes expired sessions now and then.
async fn purge_expired_sessions(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        if let Err(err) = crate::services::account::purge_expired_sessions(&state).await {
            tracing::warn!(error = %err, "cannot purge expired sessions");
        }
    }
}

/// Every 15 minutes, adds the next occurrence to recurring series whose
/// occurrences passed.
async fn top_up_series(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(900));
    loop {
        every.tick().await;
        let now = chrono::Utc::now();
        if let Err(err) = crate::services::event::series::top_up(&state, now).await {
            tracing::warn!(error = %err, "cannot top up recurring events");
        }
    }
}

/// Every 15 minutes, refreshes the members, next event and last activity
/// of our own communities in the directory.
async fn refresh_directory_figures(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(900));
    loop {
        every.tick().await;
        if let Err(err) = crate::services::directory::refresh_figures(&state).await {
            tracing::warn!(error = %err, "cannot refresh the directory's figures");
        }
    }
}

/// Every hour, celebrates the anniversaries local communities reached.
async fn celebrate_anniversaries(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        let now = chrono::Utc::now();
        if let Err(err) = crate::services::milestone::celebrate_anniversaries(&state, now).await {
            tracing::warn!(error = %err, "cannot celebrate anniversaries");
        }
    }
}

/// Every `proposal_clock_seconds`, sends the poll counts that changed and
/// closes the proposals whose voting ended.
async fn run_proposal_clock(state: AppState) {
    let seconds = u64::from(state.settings.proposal_clock_seconds.max(1));
    let mut every = tokio::time::interval(std::time::Duration::from_secs(seconds));
    loop {
        every.tick().await;
        let now = chrono::Utc::now();
        if let Err(err) = crate::services::proposal::decide::tick(&state, now).await {
            tracing::warn!(error = %err, "cannot run the proposal clock");
        }
    }
}

/// The services' state over `pool`, publishing in ActivityPub.
pub fn app_state(settings: Settings, pool: db::DbPool) -> AppState {
    let urls = crate::urls::Urls::new(settings.base_url());
    let publisher = std::sync::Arc::new(federation::outgoing::Translator::new(urls));
    AppState::new(settings, pool, publisher)
}

/// Selects the TLS crypto provider (aws-lc-rs) for every HTTP client we build.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// Creates the instance actor's key pair on first start.
async fn ensure_instance_actor(state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.pool.get().await?;
    if db::instance::find(&mut conn).await?.is_none() {
        let pair = crate::signature::generate_key_pair_async().await?;
        db::instance::insert_or_get(
            &mut conn,
            &state.settings.domain,
            &pair.public_pem,
            &pair.private_pem,
        )
        .await?;
    }
    Ok(())
}

/// Serves every route; handlers get one state, the federation context
/// (which derefs to the services' `AppState`).
fn run(listener: TcpListener, fed: Federation) -> anyhow::Result<Server> {
    let max_body = fed.state.settings.max_body_bytes;
    let fed = web::Data::new(fed);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(fed.clone())
            .app_data(web::PayloadConfig::new(max_body))
            .wrap(ErrorHandlers::new().default_handler(json_error_body))
            .wrap(from_fn(catch_panics))
            .wrap(actix_web::middleware::Logger::new("%r %s %Dms").log_target("guildhall::http"))
            .wrap(from_fn(count_requests))
            .configure(operations::routes)
            .configure(api::routes)
            .configure(federation::routes::routes)
            .configure(pages::routes)
    })
    .listen(listener)?
    .run();
    Ok(server)
}

/// Counts every answered request by route pattern and final status.
async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req
        .app_data::<web::Data<Federation>>()
        .map(|fed| fed.metrics.clone());
    let answer = next.call(req).await;
    if let Some(metrics) = metrics {
        match &answer {
            Ok(res) => metrics.request(
                res.request().match_pattern().as_deref(),
                res.status().as_u16(),
            ),
            Err(err) => metrics.request(None, err.as_response_error().status_code().as_u16()),
        }
    }
    answer
}

/// Turns a handler panic into a 500 in our JSON shape instead of a dropped connection.
async fn catch_panics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(result) => result.map(ServiceResponse::map_into_boxed_body),
        Err(_) => Err(AppError::internal(anyhow::anyhow!("handler panicked")).into()),
    }
}

/// Gives every error response without a body of ours (unknown route, wrong
/// method, payload errors from extractors) the `{error, message}` JSON shape.
fn json_error_body<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let typed = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.starts_with("application/json")
                || ct.starts_with("application/activity+json")
                || ct.starts_with("text/html")
        });
    if typed {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, message) = match status.as_u16() {
        400 => ("bad_request", "the request could not be read"),
        401 => ("unauthorized", "authentication is required"),
        404 => ("not_found", "no such resource"),
        405 => ("method_not_allowed", "method not allowed on this resource"),
        413 => ("payload_too_large", "the request body is too large"),
        415 => ("unsupported_media_type", "unsupported content type"),
        _ if status.is_server_error() => ("internal", "internal error"),
        _ => ("error", status.canonical_reason().unwrap_or("error")),
    };
    let body = serde_json::to_string(&ErrorBody {
        error: code,
        message,
        field: None,
    })
    .unwrap_or_default();
    let (req, _) = res.into_parts();
    let response = HttpResponse::build(status)
        .content_type("application/json")
        .body(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
