//! The `community_bans` and `moderation_log` tables.

use super::schema::{community_bans, moderation_log};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One moderation log entry.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = moderation_log)]
pub struct LogRow {
    pub id: i64,
    pub moderator_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Bans (or unbans) a person from a community.
pub async fn set_banned(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
    banned: bool,
) -> QueryResult<()> {
    if banned {
        diesel::insert_into(community_bans::table)
            .values((
                community_bans::community_id.eq(community_id),
                community_bans::person_id.eq(person_id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    } else {
        diesel::delete(community_bans::table.find((community_id, person_id)))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Appends to a community's moderation log.
pub async fn log(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    moderator_id: Option<i64>,
    action: &str,
    target: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(moderation_log::table)
        .values((
            moderation_log::community_id.eq(community_id),
            moderation_log::moderator_id.eq(moderator_id),
            moderation_log::action.eq(action),
            moderation_log::target.eq(target),
            moderation_log::reason.eq(reason),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A community's moderation log, newest first.
pub async fn list(conn: &mut AsyncPgConnection, community_id: i64) -> QueryResult<Vec<LogRow>> {
    moderation_log::table
        .filter(moderation_log::community_id.eq(community_id))
        .order(moderation_log::id.desc())
        .limit(500)
        .select(LogRow::as_select())
        .load(conn)
        .await
}
