//! Server-rendered HTML pages (the minimal web UI): the front page and the
//! community (with its kudos wall and top contributors), person (with the
//! kudos they received) and event pages, and the iCalendar feeds (`calendar`). ActivityPub clients asking for JSON on the
//! same URLs are answered by `federation` routes registered before these.

mod calendar;
mod community;
mod event;
mod front;
mod kudos;
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
        .route("/p/{id}", web::get().to(thread::thread_page))
        .route(
            "/c/{name}/events.ics",
            web::get().to(calendar::community_calendar),
        )
        .route("/events/{id}.ics", web::get().to(calendar::event_calendar))
        .route(
            "/calendar/{secret}.ics",
            web::get().to(calendar::person_calendar),
        )
        .route("/events/{id:\\d+}", web::get().to(event::event_page));
}

/// An HTML response with the given status.
fn html(status: actix_web::http::StatusCode, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::VARY, "Accept"))
        .body(markup.into_string())
}
