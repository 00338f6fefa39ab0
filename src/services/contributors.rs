//! Top contributors of a community over a period: kudos received, posts,
//! replies and events organised, per person.

use super::AppState;
use crate::{
    db::{
        self,
        community::CommunityRow,
        kudos::{Contribution, RankBy},
        person::PersonRow,
    },
    error::AppResult,
};
use chrono::{Duration, Utc};

/// The window counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Days30,
    Year,
    AllTime,
}

/// The first `limit` contributors of `community` in `period`, by `rank`.
pub async fn top(
    state: &AppState,
    community: &CommunityRow,
    period: Period,
    rank: RankBy,
    limit: i64,
) -> AppResult<Vec<(PersonRow, Contribution)>> {
    let since = match period {
        Period::Days30 => Some(Utc::now() - Duration::days(30)),
        Period::Year => Some(Utc::now() - Duration::days(365)),
        Period::AllTime => None,
    };
    let mut conn = state.pool.get().await?;
    let counts = db::kudos::top_contributors(&mut conn, community.id, since, rank, limit).await?;
    let ids: Vec<i64> = counts.iter().map(|c| c.person_id).collect();
    let people = db::person::find_many(&mut conn, &ids).await?;
    Ok(counts
        .into_iter()
        .filter_map(|c| {
            let person = people.iter().find(|p| p.id == c.person_id)?.clone();
            Some((person, c))
        })
        .collect())
}
