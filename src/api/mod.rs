//! The JSON API under `/api/v1`: thin handlers named `<verb>_<resource>`
//! that parse input, call a service and shape the response.

pub mod auth;
pub mod charter;
pub mod communities;
pub mod json;
pub mod session;

use actix_web::web;

/// Registers every API route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/session", web::post().to(session::create_session))
            .route("/session", web::delete().to(session::delete_session))
            .route("/communities", web::post().to(communities::create_community))
            .route("/communities", web::get().to(communities::list_communities))
            .route("/communities/{name}", web::get().to(communities::get_community))
            .route("/communities/{name}", web::patch().to(communities::update_community))
            .route("/communities/{name}/charter", web::get().to(charter::get_charter))
            .route("/communities/{name}/charter", web::put().to(charter::put_charter))
            .route("/communities/{name}/charter/history", web::get().to(charter::get_charter_history)),
    );
}

/// A page of a list: `{"items": [...], "next": cursor-or-null}`.
#[derive(serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}
