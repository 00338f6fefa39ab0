//! Server-rendered HTML pages (the minimal web UI): the front page and the
//! community and person pages. ActivityPub clients asking for JSON on the
//! same URLs are answered by `federation` routes registered before these.

mod community;
mod front;
mod layout;
mod person;
mod post;
mod thread;

use actix_web::{HttpResponse, web};

/// Registers the page routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(front::front_page))
        .route("/c/{name}", web::get().to(community::community_page))
        .route("/u/{name}", web::get().to(person::person_page))
        .route("/p/{id}", web::get().to(thread::thread_page));
}

/// An HTML response with the given status.
fn html(status: actix_web::http::StatusCode, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::VARY, "Accept"))
        .body(markup.into_string())
}
