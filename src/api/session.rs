//! `POST /api/v1/session` (sign in) and `DELETE /api/v1/session` (sign out).

use super::{auth::BearerToken, json};
use crate::{
    error::AppResult,
    services::{AppState, account},
};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct Token {
    token: String,
}

/// `POST /api/v1/session` `{username, password}` → `{token}`; 401 when wrong.
pub async fn create_session(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: SignIn = json::parse(&body, "")?;
    let token = account::sign_in(&state, &input.username, &input.password).await?;
    Ok(HttpResponse::Created().json(Token { token }))
}

/// `DELETE /api/v1/session`: ends the session of the bearer token.
pub async fn delete_session(
    state: web::Data<AppState>,
    token: BearerToken,
) -> AppResult<HttpResponse> {
    account::sign_out(&state, &token.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
