//! Top contributors of a community over a period: kudos received, posts,
//! replies and events organised, per person. Counting a busy community
//! reads every row of the period (hundreds of milliseconds for a year of
//! 100,000 kudos), so a ranking is kept for [`FRESH_FOR`] per process; a
//! ranking a minute old is fine for recognition. A kudos stored by this
//! process, and a post it deletes or removes (a withdrawn kudos among them),
//! forget their community's rankings at once.

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
use lru::LruCache;
use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
    time::Instant,
};

/// How long a ranking is served from memory.
pub const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// The window counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Days30,
    Year,
    AllTime,
}

/// What a ranking is kept under: community, period, order and length.
type Key = (i64, Period, RankBy, i64);

/// A ranking and when it was computed.
type Kept = (Instant, Arc<Vec<Contribution>>);

/// Rankings computed lately, at most a thousand of them.
pub struct Rankings {
    kept: Mutex<LruCache<Key, Kept>>,
}

impl Default for Rankings {
    fn default() -> Self {
        Rankings {
            kept: Mutex::new(LruCache::new(NonZeroUsize::new(1000).expect("not zero"))),
        }
    }
}

impl Rankings {
    fn fresh(&self, key: &Key) -> Option<Arc<Vec<Contribution>>> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        match kept.get(key) {
            Some((at, ranking)) if at.elapsed() < FRESH_FOR => Some(ranking.clone()),
            _ => None,
        }
    }

    fn keep(&self, key: Key, ranking: Arc<Vec<Contribution>>) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.put(key, (Instant::now(), ranking));
    }

    /// Forgets `community_id`'s rankings: a kudos given there shows on its
    /// page at once, in the ranking beside the wall too.
    pub fn forget(&self, community_id: i64) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let stale: Vec<Key> = kept
            .iter()
            .map(|(key, _)| *key)
            .filter(|key| key.0 == community_id)
            .collect();
        for key in stale {
            kept.pop(&key);
        }
    }
}

/// The first `limit` contributors of `community` in `period`, by `rank`.
pub async fn top(
    state: &AppState,
    community: &CommunityRow,
    period: Period,
    rank: RankBy,
    limit: i64,
) -> AppResult<Vec<(PersonRow, Contribution)>> {
    let key = (community.id, period, rank, limit);
    let mut conn = state.pool.get().await?;
    let counts = match state.rankings.fresh(&key) {
        Some(counts) => counts,
        None => {
            let since = match period {
                Period::Days30 => Some(Utc::now() - Duration::days(30)),
                Period::Year => Some(Utc::now() - Duration::days(365)),
                Period::AllTime => None,
            };
            let counts = Arc::new(
                db::kudos::top_contributors(&mut conn, community.id, since, rank, limit).await?,
            );
            state.rankings.keep(key, counts.clone());
            counts
        }
    };
    let ids: Vec<i64> = counts.iter().map(|c| c.person_id).collect();
    let people = db::person::find_many(&conn, &ids).await?;
    Ok(counts
        .iter()
        .filter_map(|c| {
            let person = people.iter().find(|p| p.id == c.person_id)?.clone();
            Some((person, c.clone()))
        })
        .collect())
}
