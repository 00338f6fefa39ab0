//! The `community_moderators` table: who moderates which community.

use super::{
    person::PersonRow,
    schema::{community_moderators, people},
};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Makes a person a moderator of a community (idempotent).
pub async fn add_moderator(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
) -> QueryResult<()> {
    diesel::insert_into(community_moderators::table)
        .values((
            community_moderators::community_id.eq(community_id),
            community_moderators::person_id.eq(person_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

/// Makes `person_id` the only moderator of a community.
pub async fn replace_moderators(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
) -> QueryResult<()> {
    diesel::delete(
        community_moderators::table
            .filter(community_moderators::community_id.eq(community_id))
            .filter(community_moderators::person_id.ne(person_id)),
    )
    .execute(conn)
    .await?;
    add_moderator(conn, community_id, person_id).await
}

/// Ids of a community's moderators, oldest first.
pub async fn moderator_ids(
    conn: &mut AsyncPgConnection,
    community_id: i64,
) -> QueryResult<Vec<i64>> {
    community_moderators::table
        .filter(community_moderators::community_id.eq(community_id))
        .order(community_moderators::created_at.asc())
        .select(community_moderators::person_id)
        .load(conn)
        .await
}

/// A community's moderators, oldest first (one query).
pub async fn moderators(
    conn: &mut AsyncPgConnection,
    community_id: i64,
) -> QueryResult<Vec<PersonRow>> {
    community_moderators::table
        .inner_join(people::table)
        .filter(community_moderators::community_id.eq(community_id))
        .order(community_moderators::created_at.asc())
        .select(PersonRow::as_select())
        .load(conn)
        .await
}
