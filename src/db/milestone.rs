//! The `milestones` table: each milestone a community reached, claimed
//! once (the primary key decides between racing processes), with the post
//! that celebrated it.

use super::schema::milestones;
use crate::domain::milestone::MilestoneKind;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Claims milestones of one kind for a community, for several subjects at
/// once; returns the subjects this call reached first (stored now; the
/// others were reached before).
pub async fn claim_many(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    kind: MilestoneKind,
    subjects: &[&str],
) -> QueryResult<Vec<String>> {
    let rows: Vec<_> = subjects
        .iter()
        .map(|subject| {
            (
                milestones::community_id.eq(community_id),
                milestones::kind.eq(kind.as_str()),
                milestones::subject.eq(*subject),
            )
        })
        .collect();
    diesel::insert_into(milestones::table)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(milestones::subject)
        .get_results(conn)
        .await
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
