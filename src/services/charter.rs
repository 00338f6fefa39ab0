//! Charters: read, replace (each change a new numbered version), history.

use super::{AppState, community, directory, milestone, outgoing::Outgoing};
use crate::{
    db::{self, charter_version::CharterVersionRow, community::CommunityRow, person::PersonRow},
    domain::{
        charter::{Charter, Stage},
        milestone::Milestone,
    },
    error::{AppError, AppResult},
};
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// One version of a charter, with who wrote it and when.
#[derive(Clone, Debug)]
pub struct CharterVersion {
    pub version: i32,
    pub charter: Charter,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The accepted proposal that wrote it.
    pub proposal: Option<i64>,
}

/// The current charter of a local community, if it has one.
pub async fn get_charter(state: &AppState, name: &str) -> AppResult<CharterVersion> {
    history(state, name)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found(format!("community `{name}` has no charter yet")))
}

/// Replaces the charter of a local community with a new version.
pub async fn put_charter(
    state: &AppState,
    actor: &PersonRow,
    name: &str,
    charter: Charter,
) -> AppResult<CharterVersion> {
    charter.validate()?;
    let mut conn = state.pool.get().await?;
    let row = community::find_row(&mut conn, name).await?;
    community::require_moderator(&mut conn, &row, actor).await?;
    let stored = conn
        .transaction(async |conn| {
            write_version(conn, state, &row, &charter, Some(actor), None).await
        })
        .await?;
    Ok(CharterVersion {
        version: stored.version,
        charter,
        author: Some(actor.handle()),
        created_at: stored.created_at,
        proposal: None,
    })
}

/// Writes the next version of a local community's charter in the caller's
/// transaction (by `author`, through the accepted proposal `proposal_id`):
/// the directory entry follows, followers get `Update{Group}`, and a stage
/// reached for the first time is celebrated.
pub(super) async fn write_version(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    row: &CommunityRow,
    charter: &Charter,
    author: Option<&PersonRow>,
    proposal_id: Option<i64>,
) -> QueryResult<CharterVersionRow> {
    // Lock the community row so concurrent edits get distinct numbers.
    let current = db::community::lock_charter_version(conn, row.id).await?;
    let version = current + 1;
    let author_id = author.map(|a| a.id);
    let stored =
        db::charter_version::insert(conn, row.id, version, charter, author_id, proposal_id).await?;
    let before = db::community::find(conn, row.id)
        .await?
        .and_then(|c| c.charter)
        .and_then(|c| c.stage);
    db::community::set_charter(conn, row.id, charter, version).await?;
    directory::sync_local(conn, state, row.id).await?;
    let community_id = row.id;
    state
        .emit(conn, Outgoing::ProfileChanged { community_id })
        .await?;
    if let Some(stage @ (Stage::Active | Stage::Established)) = charter.stage
        && before != Some(stage)
    {
        let moved_on = Milestone::Stage {
            stage: stage.as_str().to_string(),
        };
        milestone::celebrate(conn, state, row, moved_on).await?;
    }
    Ok(stored)
}

/// Every version of a local community's charter, newest first.
pub async fn history(state: &AppState, name: &str) -> AppResult<Vec<CharterVersion>> {
    let mut conn = state.pool.get().await?;
    let row = community::find_row(&mut conn, name).await?;
    let versions = db::charter_version::list(&mut conn, row.id).await?;
    let author_ids: Vec<i64> = versions.iter().filter_map(|v| v.author_id).collect();
    let authors = db::person::find_many(&conn, &author_ids).await?;
    versions
        .into_iter()
        .map(|v| {
            Ok(CharterVersion {
                version: v.version,
                author: v
                    .author_id
                    .and_then(|id| authors.iter().find(|a| a.id == id))
                    .map(|a| a.handle()),
                created_at: v.created_at,
                proposal: v.proposal_id,
                charter: v.charter,
            })
        })
        .collect()
}
