//! `/api/v1/communities/{name}/charter`: read, replace, and its history.

use super::{Page, auth::SignedIn, json};
use crate::{
    domain::charter::Charter,
    error::AppResult,
    federation::context::Federation,
    services::charter::{self, CharterVersion},
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One charter version as the API shows it.
#[derive(Serialize, Deserialize)]
pub struct CharterResponse {
    pub version: i32,
    pub charter: Charter,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The accepted proposal that wrote this version (its id), if any.
    #[serde(default)]
    pub proposal: Option<i64>,
}

impl From<CharterVersion> for CharterResponse {
    fn from(v: CharterVersion) -> Self {
        CharterResponse {
            version: v.version,
            charter: v.charter,
            author: v.author,
            created_at: v.created_at,
            proposal: v.proposal,
        }
    }
}

/// `GET /api/v1/communities/{name}/charter`: the current version.
pub async fn get_charter(
    state: web::Data<Federation>,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let current = charter::get_charter(&state, &name).await?;
    Ok(HttpResponse::Ok().json(CharterResponse::from(current)))
}

/// `PUT /api/v1/communities/{name}/charter` with a charter object: stores a
/// new version (moderators and admins).
pub async fn put_charter(
    state: web::Data<Federation>,
    SignedIn(person): SignedIn,
    name: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: Charter = json::parse(&body, "charter")?;
    let stored = charter::put_charter(&state, &person, &name, input).await?;
    Ok(HttpResponse::Ok().json(CharterResponse::from(stored)))
}

/// `GET /api/v1/communities/{name}/charter/history`: every version, newest first.
pub async fn get_charter_history(
    state: web::Data<Federation>,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let versions = charter::history(&state, &name).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: versions
            .into_iter()
            .map(CharterResponse::from)
            .collect::<Vec<_>>(),
        next: None,
    }))
}
