//! Operations endpoints: `/healthz` (the process answers), `/readyz` (it
//! can reach its database) and `/metrics` (Prometheus text format).

use crate::{db, error::AppResult, federation::context::Federation};
use actix_web::{HttpResponse, web};
use std::fmt::Write;

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

/// `GET /readyz`: 200 when the database answers, 503 otherwise.
async fn readyz(state: web::Data<Federation>) -> HttpResponse {
    let ready = match state.pool.get().await {
        Ok(mut conn) => db::instance::find(&mut conn).await.is_ok(),
        Err(_) => false,
    };
    if ready {
        HttpResponse::Ok().content_type("text/plain").body("ready")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unreachable")
    }
}

/// `GET /metrics`: queue sizes and counts as Prometheus gauges.
async fn metrics(state: web::Data<Federation>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let gauges = [
        (
            "guildhall_deliveries_pending",
            "Outgoing deliveries waiting in the queue.",
            db::delivery::pending_count(&mut conn).await?,
        ),
        (
            "guildhall_incoming_pending",
            "Received activities not processed yet.",
            db::incoming::pending_count(&mut conn).await?,
        ),
        (
            "guildhall_incoming_dead",
            "Received activities that kept failing and were given up (dead letters).",
            db::incoming::dead_count(&mut conn).await?,
        ),
        (
            "guildhall_local_communities",
            "Communities hosted here.",
            db::community::count_local(&mut conn).await?,
        ),
        (
            "guildhall_local_people",
            "Local accounts.",
            db::person::count_local(&mut conn).await?,
        ),
        (
            "guildhall_known_instances",
            "Other instances we know.",
            db::peer::list(&mut conn).await?.len() as i64,
        ),
    ];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP guildhall_build_info Version of this build.\n# TYPE guildhall_build_info gauge"
    );
    let _ = writeln!(
        out,
        "guildhall_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    for (name, help, value) in gauges {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(out))
}
