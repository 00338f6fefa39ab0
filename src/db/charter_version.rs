//! The `charter_versions` table: every version of every charter, numbered.

use super::schema::charter_versions;
use crate::domain::charter::Charter;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One stored charter version.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = charter_versions)]
pub struct CharterVersionRow {
    pub community_id: i64,
    pub version: i32,
    pub charter: Charter,
    pub author_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// The accepted proposal that wrote it.
    pub proposal_id: Option<i64>,
}

/// Appends version `version` of a community's charter, written by
/// `author_id` (through the accepted proposal `proposal_id`).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    version: i32,
    charter: &Charter,
    author_id: Option<i64>,
    proposal_id: Option<i64>,
) -> QueryResult<CharterVersionRow> {
    let charter = super::typed::to_json(charter)?;
    diesel::insert_into(charter_versions::table)
        .values((
            charter_versions::community_id.eq(community_id),
            charter_versions::version.eq(version),
            charter_versions::charter.eq(charter),
            charter_versions::author_id.eq(author_id),
            charter_versions::proposal_id.eq(proposal_id),
        ))
        .returning(CharterVersionRow::as_returning())
        .get_result(conn)
        .await
}

/// Every version of a community's charter, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    community_id: i64,
) -> QueryResult<Vec<CharterVersionRow>> {
    charter_versions::table
        .filter(charter_versions::community_id.eq(community_id))
        .order(charter_versions::version.desc())
        .select(CharterVersionRow::as_select())
        .load(conn)
        .await
}

/// Version `version` of a community's charter.
pub async fn find(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    version: i32,
) -> QueryResult<Option<CharterVersionRow>> {
    charter_versions::table
        .find((community_id, version))
        .select(CharterVersionRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Versions `versions` of a community's charter, in any order.
pub async fn find_many(
    mut conn: &AsyncPgConnection,
    community_id: i64,
    versions: &[i32],
) -> QueryResult<Vec<CharterVersionRow>> {
    charter_versions::table
        .filter(charter_versions::community_id.eq(community_id))
        .filter(charter_versions::version.eq_any(versions))
        .select(CharterVersionRow::as_select())
        .load(&mut conn)
        .await
}

/// When version `version` of a community's charter was written.
pub async fn written_at(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    version: i32,
) -> QueryResult<Option<DateTime<Utc>>> {
    charter_versions::table
        .find((community_id, version))
        .select(charter_versions::created_at)
        .first(conn)
        .await
        .optional()
}
