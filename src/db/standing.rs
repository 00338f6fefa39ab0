//! A person's standing in a community (banned, accepted member, moderator),
//! read in one query: the inbox asks it for every post and reply. Built
//! with diesel's query builder, so the connection keeps it prepared
//! (PostgreSQL parses and plans it once per connection, not per post).

use super::schema::{community_bans, community_follows, community_moderators};
use crate::domain::rules::Standing;
use diesel::{QueryResult, dsl::exists, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The standing of person `person_id` in community `community_id`.
pub async fn find(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
) -> QueryResult<Standing> {
    let (banned, member, moderator) = diesel::select((
        exists(community_bans::table.find((community_id, person_id))),
        exists(
            community_follows::table
                .find((community_id, person_id))
                .filter(community_follows::state.eq("accepted")),
        ),
        exists(community_moderators::table.find((community_id, person_id))),
    ))
    .get_result::<(bool, bool, bool)>(conn)
    .await?;
    Ok(Standing {
        banned,
        member,
        moderator,
    })
}
