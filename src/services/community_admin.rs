//! What an instance admin does to local communities from the command line:
//! list them with their moderators and member counts, hand one over to
//! another local user (who becomes its only moderator), and delete one.
//!
//! Deleting is local: the community, its posts, events, followers and
//! charter history go, its name stays taken (its actor id is never reused),
//! and what was queued for its followers is dropped. Remote followers are
//! not sent a `Delete`: the community's key goes with it, so nothing could
//! sign one; they find the actor gone (404) when they next fetch it.

use super::AppState;
use crate::{
    db::{self, community::CommunityRow},
    error::{AppError, AppResult},
};
use diesel_async::AsyncConnection;

/// A local community as the admin sees it.
pub struct CommunitySummary {
    pub row: CommunityRow,
    /// Usernames of its moderators, oldest first.
    pub moderators: Vec<String>,
    /// Accepted followers (members), local and remote.
    pub members: i64,
}

/// Every local community (unlisted ones too), by name.
pub async fn list_communities(state: &AppState) -> AppResult<Vec<CommunitySummary>> {
    let mut conn = state.pool.get().await?;
    let rows = db::community::list_local(&mut conn, true, None, i64::MAX).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let moderators = db::moderator::moderators(&mut conn, row.id)
            .await?
            .iter()
            .map(|p| p.handle())
            .collect();
        out.push(CommunitySummary {
            members: row.follower_count,
            row,
            moderators,
        });
    }
    Ok(out)
}

/// Deletes the local community `name` and everything in it; returns it.
pub async fn delete(state: &AppState, name: &str) -> AppResult<CommunityRow> {
    let mut conn = state.pool.get().await?;
    let community = db::community::find_local(&mut conn, name)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no local community named `{name}`")))?;
    conn.transaction(async |conn| {
        db::delivery::cancel_signed_by(conn, &community.ap_id).await?;
        db::community::delete_local(conn, community.id).await?;
        super::directory::remove_local(conn, state, &community.ap_id).await
    })
    .await?;
    state.kept.community_changed();
    Ok(community)
}

/// Makes the local user `to` the only moderator of the local community `name`.
pub async fn transfer(state: &AppState, name: &str, to: &str) -> AppResult<CommunityRow> {
    let mut conn = state.pool.get().await?;
    let community = db::community::find_local(&mut conn, name)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no local community named `{name}`")))?;
    let person = db::person::find_local(&mut conn, to)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no local user named `{to}`")))?;
    if person.disabled_at.is_some() {
        return Err(AppError::conflict(format!("`{to}` is disabled")));
    }
    conn.transaction(async |conn| {
        db::moderator::replace_moderators(conn, community.id, person.id).await
    })
    .await?;
    Ok(community)
}
