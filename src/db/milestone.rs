//! The `milestones` table: each milestone a community reached, claimed
//! once (the primary key decides between racing processes), with the post
//! that celebrated it.

use super::schema::milestones;
use crate::domain::milestone::MilestoneKind;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Claims a milestone for a community: true when this call reached it
/// first (it is stored now), false when it was reached before.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    kind: MilestoneKind,
    subject: &str,
) -> QueryResult<bool> {
    diesel::insert_into(milestones::table)
        .values((
            milestones::community_id.eq(community_id),
            milestones::kind.eq(kind.as_str()),
            milestones::subject.eq(subject),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|inserted| inserted == 1)
}

/// Records the post that celebrated a milestone.
pub async fn set_post(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    kind: MilestoneKind,
    subject: &str,
    post_id: i64,
) -> QueryResult<()> {
    diesel::update(milestones::table.find((community_id, kind.as_str(), subject)))
        .set(milestones::post_id.eq(post_id))
        .execute(conn)
        .await
        .map(|_| ())
}
