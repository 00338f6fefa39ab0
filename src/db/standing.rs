//! A person's standing in a community (banned, accepted member, moderator),
//! read in one query: the inbox asks it for every post and reply.

use crate::domain::rules::Standing;
use diesel::{
    QueryResult, QueryableByName,
    sql_types::{BigInt, Bool},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(QueryableByName)]
struct StandingRow {
    #[diesel(sql_type = Bool)]
    banned: bool,
    #[diesel(sql_type = Bool)]
    member: bool,
    #[diesel(sql_type = Bool)]
    moderator: bool,
}

/// The standing of person `person_id` in community `community_id`.
pub async fn find(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
) -> QueryResult<Standing> {
    let row: StandingRow = diesel::sql_query(
        "SELECT
            EXISTS (SELECT 1 FROM community_bans
                    WHERE community_id = $1 AND person_id = $2) AS banned,
            EXISTS (SELECT 1 FROM community_follows
                    WHERE community_id = $1 AND person_id = $2 AND state = 'accepted') AS member,
            EXISTS (SELECT 1 FROM community_moderators
                    WHERE community_id = $1 AND person_id = $2) AS moderator",
    )
    .bind::<BigInt, _>(community_id)
    .bind::<BigInt, _>(person_id)
    .get_result(conn)
    .await?;
    Ok(Standing {
        banned: row.banned,
        member: row.member,
        moderator: row.moderator,
    })
}
