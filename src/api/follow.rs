//! `POST` / `DELETE /api/v1/communities/{handle}/follow`: join and leave.

use super::auth::SignedIn;
use crate::domain::community::Membership;
use crate::federation::handle;
use crate::{error::AppResult, federation::context::Federation, services::follow};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

/// The answer to joining or leaving.
#[derive(Serialize, Deserialize)]
pub struct FollowResponse {
    pub follow_state: Membership,
}

/// `POST /api/v1/communities/{handle}/follow` → `{follow_state}` (`pending`
/// until a remote or approval-required community accepts).
pub async fn follow_community(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let community = handle::community(&fed, &path, true).await?;
    let state = follow::follow(&fed.state, &person, &community).await?;
    Ok(HttpResponse::Ok().json(FollowResponse {
        follow_state: state.into(),
    }))
}

/// `DELETE /api/v1/communities/{handle}/follow`.
pub async fn unfollow_community(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let community = handle::community(&fed, &path, true).await?;
    follow::unfollow(&fed.state, &person, &community).await?;
    Ok(HttpResponse::Ok().json(FollowResponse {
        follow_state: Membership::None,
    }))
}

/// A follow request waiting for a moderator.
#[derive(Serialize, Deserialize)]
pub struct PendingFollower {
    pub actor: String,
    pub follow_id: Option<String>,
}

/// `GET /api/v1/communities/{name}/followers/pending`: follow requests
/// waiting for a moderator (approval-required communities).
pub async fn list_pending_followers(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let community = handle::community(&fed, &path, true).await?;
    let mut conn = fed.state.pool.get().await?;
    crate::services::community::require_moderator(&mut conn, &community, &me).await?;
    let items: Vec<PendingFollower> = crate::db::follow::pending(&mut conn, community.id)
        .await?
        .into_iter()
        .map(|(_, actor, follow_id)| PendingFollower { actor, follow_id })
        .collect();
    Ok(HttpResponse::Ok().json(super::Page { items, next: None }))
}

/// `POST .../followers/approve|reject` body.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The follower's actor id.
    pub actor: String,
}

async fn decide(
    fed: &Federation,
    me: &crate::db::person::PersonRow,
    name: &str,
    body: &[u8],
    approve: bool,
) -> AppResult<HttpResponse> {
    let input: Decision = super::json::parse(body, "")?;
    let community = handle::community(fed, name, true).await?;
    follow::decide(&fed.state, me, &community, &input.actor, approve).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/communities/{name}/followers/approve {actor}`.
pub async fn approve_follower(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    decide(&fed, &me, &path, &body, true).await
}

/// `POST /api/v1/communities/{name}/followers/reject {actor}`.
pub async fn reject_follower(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    decide(&fed, &me, &path, &body, false).await
}
