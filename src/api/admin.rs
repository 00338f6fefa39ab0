//! `/api/v1/admin/…`: federation state, blocks and partners (admins only).

use super::{auth::SignedIn, json};
use crate::{
    db::person::PersonRow,
    error::{AppError, AppResult},
    federation::{self, context::Federation},
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

async fn change_block(
    state: &AppState,
    person: &PersonRow,
    body: &[u8],
    blocked: bool,
) -> AppResult<HttpResponse> {
    require_admin(person)?;
    let input: DomainInput = json::parse(body, "")?;
    let domain = federation_admin::set_blocked(state, &input.domain, blocked).await?;
    Ok(HttpResponse::Ok().json(DomainPolicy {
        domain,
        policy: if blocked { "blocked" } else { "none" }.to_string(),
    }))
}

/// Links (or unlinks) a partner: the policy and the follow between the
/// instance actors; answers the link's state.
async fn change_partner(
    fed: &Federation,
    person: &PersonRow,
    body: &[u8],
    partner: bool,
) -> AppResult<HttpResponse> {
    require_admin(person)?;
    let input: DomainInput = json::parse(body, "")?;
    let link = if partner {
        federation::partner::link(fed, &input.domain).await?
    } else {
        federation::partner::unlink(fed, &input.domain).await?
    };
    Ok(HttpResponse::Ok().json(link))
}

/// `POST /api/v1/admin/blocks {domain}`.
pub async fn create_block(
    state: web::Data<Federation>,
    SignedIn(p): SignedIn,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    change_block(&state, &p, &body, true).await
}

/// `DELETE /api/v1/admin/blocks {domain}`.
pub async fn delete_block(
    state: web::Data<Federation>,
    SignedIn(p): SignedIn,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    change_block(&state, &p, &body, false).await
}

/// `POST /api/v1/admin/partners {domain}`: `{domain, policy, following,
/// followed_by}` (see `services::partner::LinkState`).
pub async fn create_partner(
    state: web::Data<Federation>,
    SignedIn(p): SignedIn,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    change_partner(&state, &p, &body, true).await
}

/// `DELETE /api/v1/admin/partners {domain}`.
pub async fn delete_partner(
    state: web::Data<Federation>,
    SignedIn(p): SignedIn,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    change_partner(&state, &p, &body, false).await
}
