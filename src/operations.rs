//! Operations endpoints: `/healthz` (the process answers), `/readyz` (it
//! can reach its database, whose migrations are current) and `/metrics` (Prometheus text format).

use crate::{
    db,
    error::{AppError, AppResult, ErrorKind},
    federation::{context::Federation, metrics::Snapshot},
};
use actix_web::{HttpResponse, web};

/// Registers the operations routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}

/// `GET /healthz`: 200 while the process serves requests.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// `GET /readyz`: 200 when the database answers and has every migration
/// this binary knows; otherwise 503 `{"error":"unavailable","message":reason}`.
async fn readyz(state: web::Data<Federation>) -> AppResult<HttpResponse> {
    let unready = match state.pool.get().await {
        Err(_) => Some("database unreachable"),
        Ok(mut conn) => match db::migrations_current(&mut conn).await {
            Ok(true) => None,
            Ok(false) => Some("database migrations pending"),
            Err(_) => Some("database unreachable"),
        },
    };
    match unready {
        None => Ok(HttpResponse::Ok().content_type("text/plain").body("ready")),
        Some(reason) => Err(AppError::new(ErrorKind::Unavailable, reason)),
    }
}

/// `GET /metrics`: Prometheus text format (see `federation::metrics`).
async fn metrics(state: web::Data<Federation>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let now = chrono::Utc::now();
    let queues = db::delivery::pending_by_domain(&mut conn)
        .await?
        .into_iter()
        .map(|(domain, depth, oldest, _)| {
            let age = oldest.map_or(0.0, |at| (now - at).num_milliseconds() as f64 / 1000.0);
            (domain, depth, age.max(0.0))
        })
        .collect();
    let mut snapshot = Snapshot {
        deliveries_pending: db::delivery::pending_count(&mut conn).await?,
        incoming_pending: db::incoming::pending_count(&mut conn).await?,
        incoming_dead: db::incoming::dead_count(&mut conn).await?,
        local_communities: db::community::count_local(&mut conn).await?,
        local_people: db::person::count_local(&mut conn).await?,
        known_instances: db::peer::list(&mut conn).await?.len() as i64,
        queues,
        ..Snapshot::default()
    };
    drop(conn);
    let pool = state.pool.status();
    snapshot.pool_size = pool.size as i64;
    snapshot.pool_idle = pool.available as i64;
    snapshot.pool_max = pool.max_size as i64;
    snapshot.pool_waiting = pool.waiting as i64;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render(&snapshot)))
}
