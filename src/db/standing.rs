//! A person's standing in a community (banned, accepted member, moderator),
//! read in one query: the inbox asks it for every post and reply. Built
//! with diesel's query builder, so the connection keeps it prepared
//! (PostgreSQL parses and plans it once per connection, not per post).

use super::schema::{community_bans, community_follows, community_moderators};
use crate::domain::rules::Standing;
use diesel::{QueryResult, dsl::exists, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::collections::HashMap;

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

/// The standing of each of `person_ids` in community `community_id`: three
/// queries sent together (one round trip on a shared connection).
pub async fn find_many(
    mut conn: &AsyncPgConnection,
    community_id: i64,
    person_ids: &[i64],
) -> QueryResult<HashMap<i64, Standing>> {
    let shared = conn;
    let (banned, members, moderators) = futures_util::try_join!(
        community_bans::table
            .filter(community_bans::community_id.eq(community_id))
            .filter(community_bans::person_id.eq_any(person_ids))
            .select(community_bans::person_id)
            .load::<i64>(&mut conn),
        community_follows::table
            .filter(community_follows::community_id.eq(community_id))
            .filter(community_follows::person_id.eq_any(person_ids))
            .filter(community_follows::state.eq("accepted"))
            .select(community_follows::person_id)
            .load::<i64>(&mut { shared }),
        community_moderators::table
            .filter(community_moderators::community_id.eq(community_id))
            .filter(community_moderators::person_id.eq_any(person_ids))
            .select(community_moderators::person_id)
            .load::<i64>(&mut { shared }),
    )?;
    Ok(person_ids
        .iter()
        .map(|id| {
            let standing = Standing {
                banned: banned.contains(id),
                member: members.contains(id),
                moderator: moderators.contains(id),
            };
            (*id, standing)
        })
        .collect())
}
