//! Content negotiation: which requests want ActivityPub JSON, and how we
//! answer them (`application/activity+json`, `Vary: Accept`).

use crate::services::kept::Document;
use actix_web::{HttpResponse, body::MessageBody, guard::GuardContext, http::header, web};
use serde::Serialize;

/// The media type of every ActivityPub document we serve.
pub const ACTIVITY_JSON: &str = "application/activity+json; charset=utf-8";

/// Route guard: true when `Accept` asks for `activity+json` or `ld+json`.
pub fn wants_activity_json(ctx: &GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|accept| {
            accept.contains("application/activity+json") || accept.contains("application/ld+json")
        })
}

/// A 200 ActivityPub JSON response.
pub fn activity_json<T: Serialize>(document: &T) -> HttpResponse {
    match serde_json::to_string(document) {
        Ok(body) => activity_body(body),
        Err(err) => {
            actix_web::ResponseError::error_response(&crate::error::AppError::internal(err))
        }
    }
}

/// A 200 ActivityPub JSON response with a document serialised before.
pub fn kept_activity_json(document: Document) -> HttpResponse {
    activity_body(web::Bytes::from_owner(document))
}

fn activity_body(body: impl MessageBody + 'static) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ACTIVITY_JSON)
        .insert_header((header::VARY, "Accept"))
        .body(body)
}
