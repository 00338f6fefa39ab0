//! `POST` / `DELETE /api/v1/communities/{handle}/follow`: join and leave.

use super::{auth::SignedIn, handle};
use crate::{error::AppResult, federation::context::Federation, services::follow};
use actix_web::{HttpResponse, web};
use serde::Serialize;

#[derive(Serialize)]
struct FollowResponse {
    follow_state: &'static str,
}

/// `POST /api/v1/communities/{handle}/follow` → `{follow_state}` (`pending`
/// until a remote or approval-required community accepts).
pub async fn follow_community(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let community = handle::community(&fed, &path).await?;
    let state = follow::follow(&fed.state, &person, &community).await?;
    Ok(HttpResponse::Ok().json(FollowResponse {
        follow_state: state.as_str(),
    }))
}

/// `DELETE /api/v1/communities/{handle}/follow`.
pub async fn unfollow_community(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let community = handle::community(&fed, &path).await?;
    follow::unfollow(&fed.state, &person, &community).await?;
    Ok(HttpResponse::Ok().json(FollowResponse {
        follow_state: "none",
    }))
}
