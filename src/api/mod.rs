//! The JSON API under `/api/v1`: thin handlers named `<verb>_<resource>`
//! that parse input, call a service and shape the response.

pub mod admin;
pub mod auth;
pub mod charter;
pub mod communities;
pub mod directory;
pub mod events;
pub mod follow;
pub mod json;
pub mod kudos;
pub mod moderation;
pub mod posts;
pub mod proposals;
pub mod session;

use actix_web::web;

/// Registers every API route (one resource per path, so a wrong method is 405).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .service(
                web::resource("/session")
                    .post(session::create_session)
                    .delete(session::delete_session),
            )
            .service(web::resource("/sessions").get(session::list_sessions))
            .service(web::resource("/sessions/{id}").delete(session::delete_other_session))
            .service(
                web::resource("/communities")
                    .post(communities::create_community)
                    .get(communities::list_communities),
            )
            .service(
                web::resource("/communities/{name}")
                    .get(communities::get_community)
                    .patch(communities::update_community),
            )
            .service(
                web::resource("/communities/{name}/charter")
                    .get(charter::get_charter)
                    .put(charter::put_charter),
            )
            .service(
                web::resource("/communities/{name}/charter/history")
                    .get(charter::get_charter_history),
            )
            .service(
                web::resource("/communities/{handle}/follow")
                    .post(follow::follow_community)
                    .delete(follow::unfollow_community),
            )
            .service(
                web::resource("/communities/{handle}/kudos")
                    .post(kudos::create_kudos)
                    .get(kudos::list_kudos),
            )
            .service(
                web::resource("/communities/{handle}/proposals")
                    .post(proposals::create_proposal)
                    .get(proposals::list_proposals),
            )
            .service(
                web::resource("/communities/{handle}/proposals/{id}").get(proposals::get_proposal),
            )
            .service(
                web::resource("/communities/{handle}/proposals/{id}/vote")
                    .post(proposals::vote_proposal),
            )
            .service(
                web::resource("/communities/{handle}/proposals/{id}/close")
                    .post(proposals::close_proposal),
            )
            .service(
                web::resource("/communities/{handle}/contributors").get(kudos::list_contributors),
            )
            .service(web::resource("/people/{handle}/kudos").get(kudos::list_person_kudos))
            .service(web::resource("/kudos/{id}").delete(kudos::delete_kudos))
            .service(
                web::resource("/communities/{handle}/posts")
                    .post(posts::create_post)
                    .get(posts::list_posts),
            )
            .service(
                web::resource("/posts/{id}")
                    .get(posts::get_post)
                    .patch(posts::update_post)
                    .delete(posts::delete_post),
            )
            .service(
                web::resource("/posts/{id}/replies")
                    .post(posts::create_reply)
                    .get(posts::list_replies),
            )
            .service(
                web::resource("/posts/{id}/like")
                    .post(posts::like_post)
                    .delete(posts::unlike_post),
            )
            .service(web::resource("/posts/{id}/remove").post(moderation::remove_post))
            .service(web::resource("/posts/{id}/restore").post(moderation::restore_post))
            .service(
                web::resource("/posts/{id}/lock")
                    .post(moderation::lock_post)
                    .delete(moderation::unlock_post),
            )
            .service(
                web::resource("/communities/{handle}/bans")
                    .post(moderation::create_ban)
                    .delete(moderation::delete_ban),
            )
            .service(web::resource("/communities/{handle}/modlog").get(moderation::get_modlog))
            .service(
                web::resource("/communities/{handle}/followers/pending")
                    .get(follow::list_pending_followers),
            )
            .service(
                web::resource("/communities/{handle}/followers/approve")
                    .post(follow::approve_follower),
            )
            .service(
                web::resource("/communities/{handle}/followers/reject")
                    .post(follow::reject_follower),
            )
            .service(
                web::resource("/communities/{handle}/events")
                    .post(events::create_event)
                    .get(events::list_events),
            )
            .service(
                web::resource("/events/{id}")
                    .get(events::get_event)
                    .patch(events::update_event)
                    .delete(events::delete_event),
            )
            .service(web::resource("/events/{id}/cancel").post(events::cancel_event))
            .service(web::resource("/events/{id}/rsvp").post(events::rsvp_event))
            .service(web::resource("/events/{id}/attendees/approve").post(events::approve_attendee))
            .service(web::resource("/events/{id}/attendees/reject").post(events::reject_attendee))
            .service(web::resource("/calendar").post(events::create_calendar_feed))
            .service(web::resource("/directory").get(directory::get_directory))
            .service(web::resource("/openapi.json").get(get_openapi))
            .service(web::resource("/admin/federation").get(admin::get_federation))
            .service(
                web::resource("/admin/blocks")
                    .post(admin::create_block)
                    .delete(admin::delete_block),
            )
            .service(
                web::resource("/admin/partners")
                    .post(admin::create_partner)
                    .delete(admin::delete_partner),
            ),
    );
}

/// The OpenAPI 3.1 description of this API (`src/api/openapi.json`; a test
/// checks that every operation it lists is routed).
pub const OPENAPI: &str = include_str!("openapi.json");

/// `GET /api/v1/openapi.json`.
async fn get_openapi() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI)
}

/// A page of a list: `{"items": [...], "next": cursor-or-null}`.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}
