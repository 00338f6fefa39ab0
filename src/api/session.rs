//! `POST /api/v1/session` (sign in), `DELETE /api/v1/session` (sign out),
//! and the caller's sessions: `GET /api/v1/sessions`,
//! `DELETE /api/v1/sessions/{id}` (revoke one).

use super::{auth::BearerToken, json};
use crate::{
    error::AppResult, federation::context::Federation, services::account, throttle::client_address,
};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/session` body.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub username: String,
    pub password: String,
}

/// A new session's bearer token.
#[derive(Serialize, Deserialize)]
pub struct Token {
    pub token: String,
}

/// `POST /api/v1/session` `{username, password}` → `{token}`; 401 when wrong.
pub async fn create_session(
    req: HttpRequest,
    state: web::Data<Federation>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: SignIn = json::parse(&body, "")?;
    let address = client_address(&req, state.settings.trust_forwarded_for);
    let token = account::sign_in(&state, &input.username, &input.password, address).await?;
    Ok(HttpResponse::Created().json(Token { token }))
}

/// `DELETE /api/v1/session`: ends the session of the bearer token.
pub async fn delete_session(
    state: web::Data<Federation>,
    token: BearerToken,
) -> AppResult<HttpResponse> {
    account::sign_out(&state, &token.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/v1/sessions`: the caller's valid sessions, newest first.
pub async fn list_sessions(
    state: web::Data<Federation>,
    token: BearerToken,
) -> AppResult<HttpResponse> {
    let items = account::list_sessions(&state, &token.0).await?;
    Ok(HttpResponse::Ok().json(super::Page { items, next: None }))
}

/// `DELETE /api/v1/sessions/{id}`: revokes one of the caller's sessions.
pub async fn delete_other_session(
    state: web::Data<Federation>,
    token: BearerToken,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    account::revoke_session(&state, &token.0, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
