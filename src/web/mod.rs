//! Server-rendered HTML pages, which need no JavaScript and load nothing
//! from elsewhere. `page` is where every handler starts (who is signed in,
//! the CSRF token, the frame in `layout`); `form` and `csrf` are what every
//! form shares. The pages: the front page with the directory (`front`),
//! a community, ours or a remote one we hold (`community`, its charter in
//! `charter_view`, joining in `membership`; members' HTML embedded by
//! `content`), starting one (`community_new`), its charter's editor and
//! history (`charter_edit`, fields in `charter_form`), a thread with its
//! replies (`thread`), writing a post (`post_new`, shown by `post`), an
//! event with its RSVP buttons (`event`) and planning one (`event_new`),
//! giving kudos (`kudos_new`, lists in `kudos`), co-design (`proposal`:
//! a community's proposals, one with its changes and votes, voting and
//! closing; `proposal_new`: proposing a change), moderation (`moderation`:
//! bans, removals, locks and the log), a person (`person`, ours or a
//! remote one; links to people and communities, with the home instance
//! of remote ones, in `remote`), the admins'
//! federation page (`admin`),
//! signing in and out (`sign_in`) and registering (`register`); a
//! community's Atom feed (`feed`) and the iCalendar feeds (`calendar`).
//! ActivityPub clients asking for JSON on the same URLs are answered by
//! `federation` routes registered before these.

mod admin;
mod calendar;
mod charter_edit;
mod charter_form;
mod charter_view;
mod community;
mod community_new;
mod content;
mod csrf;
mod event;
mod event_new;
mod feed;
mod form;
mod front;
mod kudos;
mod kudos_new;
mod layout;
mod membership;
mod moderation;
mod page;
mod person;
mod post;
mod post_new;
mod proposal;
mod proposal_new;
mod register;
mod remote;
mod sign_in;
mod thread;

use actix_web::{HttpResponse, web};

/// Registers the page routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(front::front_page))
        .route(
            "/communities/new",
            web::get().to(community_new::new_community_page),
        )
        .route(
            "/communities/new",
            web::post().to(community_new::create_community),
        )
        .route("/c/{name}", web::get().to(community::community_page))
        .route(
            "/c/{name}/follow",
            web::post().to(membership::follow_community),
        )
        .route(
            "/c/{name}/charter",
            web::get().to(charter_edit::edit_charter_page),
        )
        .route(
            "/c/{name}/charter",
            web::post().to(charter_edit::put_charter),
        )
        .route(
            "/c/{name}/charter/history",
            web::get().to(charter_edit::charter_history),
        )
        .route(
            "/c/{name}/posts/new",
            web::get().to(post_new::new_post_page),
        )
        .route("/c/{name}/posts", web::post().to(post_new::create_post))
        .route(
            "/c/{name}/events/new",
            web::get().to(event_new::new_event_page),
        )
        .route("/c/{name}/events", web::post().to(event_new::create_event))
        .route(
            "/c/{name}/kudos/new",
            web::get().to(kudos_new::new_kudos_page),
        )
        .route("/c/{name}/kudos", web::post().to(kudos_new::create_kudos))
        .route(
            "/c/{name}/moderation",
            web::get().to(moderation::moderation_page),
        )
        .route("/c/{name}/moderation/bans", web::post().to(moderation::ban))
        .route(
            "/p/{id}/moderate",
            web::post().to(moderation::moderate_post),
        )
        .route(
            "/c/{name}/proposals",
            web::get().to(proposal::proposals_page),
        )
        .route(
            "/c/{name}/proposals",
            web::post().to(proposal_new::create_proposal),
        )
        .route(
            "/c/{name}/proposals/new",
            web::get().to(proposal_new::new_proposal_page),
        )
        .route(
            "/c/{name}/proposals/{id:\\d+}",
            web::get().to(proposal::proposal_page),
        )
        .route(
            "/c/{name}/proposals/{id:\\d+}/vote",
            web::post().to(proposal::vote_on),
        )
        .route(
            "/c/{name}/proposals/{id:\\d+}/close",
            web::post().to(proposal::close),
        )
        .route("/u/{name}", web::get().to(person::person_page))
        .route("/admin", web::get().to(admin::admin_page))
        .route("/admin", web::post().to(admin::change_policy))
        .route("/p/{id}", web::get().to(thread::thread_page))
        .route("/p/{id}/replies", web::post().to(thread::create_reply))
        .route(
            "/c/{name}/events.ics",
            web::get().to(calendar::community_calendar),
        )
        .route("/c/{name}/feed.atom", web::get().to(feed::community_feed))
        .route("/login", web::get().to(sign_in::sign_in_page))
        .route("/login", web::post().to(sign_in::sign_in))
        .route("/logout", web::get().to(sign_in::sign_out_page))
        .route("/logout", web::post().to(sign_in::sign_out))
        .route("/register", web::get().to(register::register_page))
        .route("/register", web::post().to(register::register))
        .route("/events/{id}.ics", web::get().to(calendar::event_calendar))
        .route(
            "/calendar/{secret}.ics",
            web::get().to(calendar::person_calendar),
        )
        .route("/events/{id:\\d+}", web::get().to(event::event_page))
        .route("/events/{id:\\d+}/rsvp", web::post().to(event::rsvp_event));
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
