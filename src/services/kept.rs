//! Answers kept in memory for a moment, so that the documents other
//! servers ask for most (a community's actor document, WebFinger) and the
//! federation policy of a host are served without a database round trip.
//!
//! An entry is kept at most [`KEEP_FOR`] and the stores are bounded (least
//! recently used entries go first), so a flood of distinct names costs
//! memory of a fixed size. What this process changes it forgets at once
//! (`AppState::emit` on a profile change, the policy services on a block
//! or a partner link); another process sharing the database sees the
//! change within [`KEEP_FOR`].

use crate::db::peer::PeerPolicy;
use lru::LruCache;
use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// How long an answer is kept.
pub const KEEP_FOR: Duration = Duration::from_secs(1);
/// How many answers one store keeps.
const CAPACITY: usize = 4096;

/// A bounded store of answers by key, each kept for [`KEEP_FOR`].
pub struct Kept<V> {
    entries: Mutex<LruCache<String, (Instant, V)>>,
}

impl<V: Clone> Default for Kept<V> {
    fn default() -> Self {
        let capacity = NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN);
        Kept {
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }
}

impl<V: Clone> Kept<V> {
    /// The answer kept for `key`, if it is fresh.
    pub fn get(&self, key: &str) -> Option<V> {
        let mut entries = self.entries.lock().ok()?;
        match entries.get(key) {
            Some((at, value)) if at.elapsed() < KEEP_FOR => Some(value.clone()),
            _ => None,
        }
    }

    /// Keeps `value` for `key`.
    pub fn put(&self, key: &str, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(key.to_owned(), (Instant::now(), value));
        }
    }

    /// Forgets the answer for `key`.
    pub fn forget(&self, key: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.pop(key);
        }
    }

    /// Forgets every answer.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

/// A serialised document, shared without copying.
pub type Document = Arc<[u8]>;

/// What this process keeps.
#[derive(Default)]
pub struct KeptAnswers {
    /// Local communities' `Group` documents, by name.
    pub groups: Kept<Document>,
    /// WebFinger answers for our actors, by name (only names that exist).
    pub webfinger: Kept<Document>,
    /// Our policy toward a host (blocked, partner or none), by host name.
    pub policies: Kept<PeerPolicy>,
}

impl KeptAnswers {
    /// A community's profile changed, or a community went away.
    pub fn community_changed(&self) {
        self.groups.clear();
        self.webfinger.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[test]
    fn an_answer_is_kept_until_forgotten() {
        let kept: Kept<u32> = Kept::default();
        assert_eq!(kept.get("a"), None);
        kept.put("a", 1);
        assert_eq!(kept.get("a"), Some(1));
        kept.forget("a");
        assert_eq!(kept.get("a"), None);
        kept.put("a", 1);
        kept.clear();
        assert_eq!(kept.get("a"), None);
    }
}
