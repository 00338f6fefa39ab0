//! A local community's follower inboxes, kept in this process. Reading
//! them joins every accepted follower with their instance (0.4 ms at 200
//! followers, and growing with them), and every activity the community
//! passes on needs them. They are kept with the community's
//! `followers_version`, which the database sets from a sequence in the
//! transaction that changes them (a follow accepted or ended, a follower's
//! inbox moved, an instance's software learned): a community row with
//! another version reads them again, whichever process changed them. A
//! version is never used twice, even by a transaction that rolled back, so
//! inboxes kept under it are those of that version (or newer ones).

use crate::db::{self, community::CommunityRow, follow::FollowerInbox};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use lru::LruCache;
use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
};

/// How many communities' inboxes are kept.
const CAPACITY: usize = 1024;

/// A community's inboxes by its id, with the version they were read at.
type Kept = LruCache<i64, (i64, Arc<[FollowerInbox]>)>;

/// Follower inboxes by community id, with the version they were read at.
pub struct FollowerInboxes {
    kept: Mutex<Kept>,
}

impl Default for FollowerInboxes {
    fn default() -> Self {
        let capacity = NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN);
        FollowerInboxes {
            kept: Mutex::new(LruCache::new(capacity)),
        }
    }
}

impl FollowerInboxes {
    /// The delivery inboxes of `community`'s remote followers (each once,
    /// with their software), as of its `followers_version` or newer.
    pub async fn of(
        &self,
        conn: &mut AsyncPgConnection,
        community: &CommunityRow,
    ) -> QueryResult<Arc<[FollowerInbox]>> {
        let version = community.followers_version;
        if let Some((kept_at, inboxes)) = self.lock().get(&community.id)
            && *kept_at == version
        {
            return Ok(inboxes.clone());
        }
        // Read after the row: as of `version` or newer.
        let inboxes: Arc<[FollowerInbox]> = db::follow::follower_inboxes(conn, community.id)
            .await?
            .into();
        self.lock().put(community.id, (version, inboxes.clone()));
        Ok(inboxes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
