//! `GET /api/v1/directory`: search our directory of listed communities,
//! ours and our partners'.

use super::Page;
use crate::{
    db::directory::EntryRow,
    domain::{
        charter::Charter,
        directory::{DirectoryQuery, RawQuery},
    },
    error::AppResult,
    federation::context::Federation,
    services::directory,
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The query parameters, as given.
#[derive(Deserialize)]
pub struct DirectoryParams {
    q: Option<String>,
    topic: Option<String>,
    stage: Option<String>,
    org: Option<String>,
    lang: Option<String>,
    cadence: Option<String>,
    like: Option<String>,
    page: Option<String>,
}

/// One community in the directory.
#[derive(Serialize, Deserialize)]
pub struct DirectoryEntry {
    /// The handle (`name@domain`): what the community API takes.
    pub id: String,
    pub ap_id: String,
    /// `name@domain`.
    pub handle: String,
    /// `@name@domain`: paste into Mastodon's search to follow from there.
    pub mastodon_handle: String,
    /// `POST` here (signed in) to follow it from this instance.
    pub follow: String,
    pub title: String,
    pub summary: String,
    /// Ours, or a partner's.
    pub local: bool,
    pub host: String,
    pub charter: Charter,
    pub charter_version: i32,
    pub charter_changed_at: DateTime<Utc>,
    pub member_count: i64,
    pub next_event_at: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
    /// A partner's community whose instance has not been heard from for
    /// `directory_stale_days`.
    pub stale: bool,
    /// Text-search rank (0 without `q` or `like`).
    pub rank: f32,
    /// Second-hand: the partner it came through (a partner's partner's).
    pub via: Option<String>,
}

impl From<EntryRow> for DirectoryEntry {
    fn from(row: EntryRow) -> Self {
        DirectoryEntry {
            id: row.handle.clone(),
            mastodon_handle: format!("@{}", row.handle),
            follow: format!("/api/v1/communities/{}/follow", row.handle),
            handle: row.handle,
            ap_id: row.ap_id,
            title: row.title,
            summary: row.summary,
            local: row.local,
            host: row.host,
            charter: row.charter,
            charter_version: row.charter_version,
            charter_changed_at: row.charter_changed_at,
            member_count: row.member_count,
            next_event_at: row.next_event_at,
            last_activity_at: row.last_activity_at,
            stale: row.stale,
            rank: row.rank,
            via: row.via,
        }
    }
}

/// `GET /api/v1/directory?q=&topic=&stage=&org=&lang=&cadence=&like=&page=`:
/// best match first, 20 a page; `next` is the next page's number. Unknown
/// stages or cadences, malformed language tags, a `q` over 200 characters
/// and pages that are not numbers from 1 are 422 naming the parameter; a
/// page past the end is empty.
pub async fn get_directory(
    state: web::Data<Federation>,
    params: web::Query<DirectoryParams>,
) -> AppResult<HttpResponse> {
    let p = params.into_inner();
    let query = DirectoryQuery::parse(RawQuery {
        q: p.q,
        topic: p.topic,
        stage: p.stage,
        org: p.org,
        lang: p.lang,
        cadence: p.cadence,
        like: p.like,
        page: p.page,
    })?;
    let (rows, next) = directory::search(&state, &query).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows
            .into_iter()
            .map(DirectoryEntry::from)
            .collect::<Vec<_>>(),
        next,
    }))
}
