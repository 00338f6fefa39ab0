//! Moderation: remove/restore and lock/unlock posts, ban/unban people, and
//! the moderation log.

use super::{Page, auth::SignedIn, json};
use crate::federation::handle;
use crate::{
    error::AppResult,
    federation::context::Federation,
    services::moderation::{self, PostModeration},
};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

/// Optional body of a moderation action.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn reason(body: &[u8]) -> AppResult<Option<String>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(json::parse::<Reason>(body, "")?.reason)
}

/// `POST /api/v1/posts/{id}/remove {reason?}`.
pub async fn remove_post(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    id: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    moderation::moderate_post(
        &fed.state,
        &me,
        *id,
        PostModeration::Remove,
        true,
        reason(&body)?,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/posts/{id}/restore`.
pub async fn restore_post(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    id: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    moderation::moderate_post(
        &fed.state,
        &me,
        *id,
        PostModeration::Remove,
        false,
        reason(&body)?,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/posts/{id}/lock {reason?}`.
pub async fn lock_post(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    id: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    moderation::moderate_post(
        &fed.state,
        &me,
        *id,
        PostModeration::Lock,
        true,
        reason(&body)?,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /api/v1/posts/{id}/lock`.
pub async fn unlock_post(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    moderation::moderate_post(&fed.state, &me, *id, PostModeration::Lock, false, None).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST`/`DELETE /api/v1/communities/{name}/bans` body.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BanInput {
    /// `name`, `name@host` or an actor URL.
    pub person: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

async fn ban(
    fed: &Federation,
    me: &crate::db::person::PersonRow,
    name: &str,
    body: &[u8],
    banned: bool,
) -> AppResult<HttpResponse> {
    let input: BanInput = json::parse(body, "")?;
    let community = handle::community(fed, name, true).await?;
    let person = handle::person(fed, &input.person).await?;
    moderation::set_banned(&fed.state, me, &community, &person, banned, input.reason).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/communities/{name}/bans {person, reason?}`.
pub async fn create_ban(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    name: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ban(&fed, &me, &name, &body, true).await
}

/// `DELETE /api/v1/communities/{name}/bans {person}`.
pub async fn delete_ban(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    name: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ban(&fed, &me, &name, &body, false).await
}

/// `GET /api/v1/communities/{name}/modlog`: newest first.
pub async fn get_modlog(
    fed: web::Data<Federation>,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let community = handle::community(&fed, &name, false).await?;
    let items = moderation::modlog(&fed.state, &community).await?;
    Ok(HttpResponse::Ok().json(Page { items, next: None }))
}
