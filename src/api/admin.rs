//! `/api/v1/admin/…`: federation state, blocks and partners (admins only).

use super::{auth::SignedIn, json};
use crate::{
    db::person::PersonRow,
    error::{AppError, AppResult},
    federation::context::Federation,
    services::{AppState, federation_admin},
};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

fn require_admin(person: &PersonRow) -> AppResult<()> {
    if person.is_admin {
        Ok(())
    } else {
        Err(AppError::forbidden("only instance admins may do this"))
    }
}

/// `POST`/`DELETE /api/v1/admin/blocks|partners` body.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainInput {
    pub domain: String,
}

/// An instance's policy after a change: `blocked` or `partner`.
#[derive(Serialize, Deserialize)]
pub struct DomainPolicy {
    pub domain: String,
    pub policy: String,
}

/// `GET /api/v1/admin/federation`: mode, queue sizes, per-instance delivery state.
pub async fn get_federation(
    state: web::Data<Federation>,
    SignedIn(person): SignedIn,
) -> AppResult<HttpResponse> {
    require_admin(&person)?;
    Ok(HttpResponse::Ok().json(federation_admin::federation_state(&state).await?))
}

async fn change(
    state: &AppState,
    person: &PersonRow,
    body: &[u8],
    block: Option<bool>,
    partner: Option<bool>,
) -> AppResult<HttpResponse> {
    require_admin(person)?;
    let input: DomainInput = json::parse(body, "")?;
    let (domain, policy) = match (block, partner) {
        (Some(blocked), _) => (
            federation_admin::set_blocked(state, &input.domain, blocked).await?,
            if blocked { "blocked" } else { "none" },
        ),
        (_, Some(partner)) => (
            federation_admin::set_partner(state, &input.domain, partner).await?,
            if partner { "partner" } else { "none" },
        ),
        _ => return Err(AppError::bad_request("nothing to change")),
    };
    Ok(HttpResponse::Ok().json(DomainPolicy {
        domain,
        policy: policy.to_string(),
    }))
}

/// `POST /api/v1/admin/blocks {domain}`.
pub async fn create_block(
    state: web::Data<Federation>,
    SignedIn(p): SignedIn,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    change(&state, &p, &body, Some(true), None).await
}

/// `DELETE /api/v1/admin/blocks {domain}`.
pub async fn delete_block(
    state: web::Data<Federation>,
    SignedIn(p): SignedIn,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    change(&state, &p, &body, Some(false), None).await
}

/// `POST /api/v1/admin/partners {domain}`.
pub async fn create_partner(
    state: web::Data<Federation>,
    SignedIn(p): SignedIn,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    change(&state, &p, &body, None, Some(true)).await
}

/// `DELETE /api/v1/admin/partners {domain}`.
pub async fn delete_partner(
    state: web::Data<Federation>,
    SignedIn(p): SignedIn,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    change(&state, &p, &body, None, Some(false)).await
}
