//! Server-rendered HTML pages (the minimal web UI): the front page and the
//! community (with its kudos wall and top contributors), person (with the
//! kudos they received) and event pages, signing in and out (`sign_in`),
//! a community's Atom feed (`feed`), and the iCalendar feeds (`calendar`). ActivityPub clients asking for JSON on the
//! same URLs are answered by `federation` routes registered before these.

mod calendar;
mod community;
mod event;
mod feed;
mod front;
mod kudos;
mod layout;
mod person;
mod post;
mod sign_in;
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
        .route("/c/{name}/feed.atom", web::get().to(feed::community_feed))
        .route("/login", web::get().to(sign_in::sign_in_page))
        .route("/login", web::post().to(sign_in::sign_in))
        .route("/logout", web::get().to(sign_in::sign_out_page))
        .route("/logout", web::post().to(sign_in::sign_out))
        .route("/events/{id}.ics", web::get().to(calendar::event_calendar))
        .route(
            "/calendar/{secret}.ics",
            web::get().to(calendar::person_calendar),
        )
        .route("/events/{id:\\d+}", web::get().to(event::event_page));
}

/// What pages may load: nothing from elsewhere, no script at all (the
/// pages work without it), styles only from the page itself.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'none'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; object-src 'none'; \
    base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// An HTML response with the given status.
fn html(status: actix_web::http::StatusCode, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::VARY, "Accept"))
        .insert_header((
            actix_web::http::header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .body(markup.into_string())
}
