//! Fixed-window counters per key (a remote host, an IP address, a user
//! name) in a map of bounded size: when it is full, the least recently used
//! key is forgotten, so invented keys cannot grow memory. Also: which
//! address a request comes from.

use lru::LruCache;
use std::{
    hash::Hash,
    net::IpAddr,
    num::NonZeroUsize,
    sync::Mutex,
    time::{Duration, Instant},
};

/// How many keys a throttle remembers at most.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Counts events per key and window; over `limit` in a window, `charge` refuses.
pub struct Throttle<K: Hash + Eq> {
    limit: u32,
    window: Duration,
    counts: Mutex<LruCache<K, (Instant, u32)>>,
}

impl<K: Hash + Eq> Throttle<K> {
    /// `limit` events per `window` and key, remembering up to `capacity` keys.
    pub fn new(limit: u32, window: Duration, capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity.max(1)).expect("capacity is at least 1");
        Throttle {
            limit,
            window,
            counts: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// Counts one event for `key`; `Err(wait)` when the key is over its
    /// limit, with the time until its window ends.
    pub fn charge(&self, key: K) -> Result<(), Duration> {
        self.update(key, 1)
    }

    /// `Err(wait)` when `key` is over its limit, without counting anything.
    pub fn check(&self, key: K) -> Result<(), Duration> {
        self.update(key, 0)
    }

    fn update(&self, key: K, add: u32) -> Result<(), Duration> {
        let Ok(mut counts) = self.counts.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        let entry = counts.get_or_insert_mut(key, || (now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(add);
        if entry.1 > self.limit || (add == 0 && entry.1 >= self.limit) {
            Err(self.window.saturating_sub(now.duration_since(entry.0)))
        } else {
            Ok(())
        }
    }

    /// How many keys are remembered now.
    pub fn len(&self) -> usize {
        self.counts.lock().map(|c| c.len()).unwrap_or(0)
    }

    /// True when no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The address a request comes from: the connection's peer, or with
/// `trust_forwarded_for` the last address a reverse proxy appended to
/// `X-Forwarded-For`.
pub fn client_address(req: &actix_web::HttpRequest, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    req.peer_addr().map(|a| a.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_over_the_limit_and_forgets_the_oldest_keys() {
        let throttle = Throttle::new(2, Duration::from_secs(60), 3);
        assert!(throttle.charge("a").is_ok());
        assert!(throttle.charge("a").is_ok());
        let wait = throttle.charge("a").unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(throttle.check("a").is_err());
        assert!(throttle.check("b").is_ok());
        for key in ["b", "c", "d", "e"] {
            throttle.charge(key).unwrap();
        }
        assert_eq!(throttle.len(), 3, "the map stays bounded");
        assert!(throttle.charge("a").is_ok(), "a was forgotten");
    }

    #[test]
    fn a_new_window_starts_afresh() {
        let throttle = Throttle::new(1, Duration::from_millis(20), 10);
        throttle.charge(1).unwrap();
        assert!(throttle.charge(1).is_err());
        std::thread::sleep(Duration::from_millis(25));
        assert!(throttle.charge(1).is_ok());
    }
}
