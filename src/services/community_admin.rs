//! What an instance admin does to local communities from the command line:
//! list them with their moderators and member counts, and hand one over to
//! another local user (who becomes its only moderator).

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
        let ids = db::community::moderator_ids(&mut conn, row.id).await?;
        let people = db::person::find_many(&mut conn, &ids).await?;
        let moderators = ids
            .iter()
            .filter_map(|id| people.iter().find(|p| p.id == *id))
            .map(|p| p.handle())
            .collect();
        let members = db::community::follower_count(&mut conn, row.id).await?;
        out.push(CommunitySummary {
            row,
            moderators,
            members,
        });
    }
    Ok(out)
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
        db::community::replace_moderators(conn, community.id, person.id).await
    })
    .await?;
    Ok(community)
}
