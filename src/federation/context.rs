//! `Federation`: what federation code needs at hand — the app state, the
//! outgoing HTTP client, cached signing keys, remote signers' keys kept a
//! second, and the throttles that bound
//! what peers can make us do (inbox rate per host, failures per address,
//! forced key refreshes, NodeInfo probes), each a map of bounded size.

use super::{client, signer::SignerKey};
use crate::{
    db,
    error::{AppError, AppResult},
    services::{AppState, kept::Kept},
    signature::SigningKey,
    throttle::{DEFAULT_CAPACITY, Throttle},
};
use std::{
    collections::{HashMap, HashSet},
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

/// A cached key is fetched again (because a signature did not verify) at
/// most once per this long.
const KEY_REFRESH_EVERY: Duration = Duration::from_secs(5 * 60);

/// Shared federation context (cheap to clone).
#[derive(Clone)]
pub struct Federation {
    pub state: AppState,
    pub client: reqwest::Client,
    keys: Arc<Mutex<HashMap<String, Arc<SigningKey>>>>,
    /// Remote signers' keys as read from the database, kept a second.
    pub signers: Arc<Kept<SignerKey>>,
    throttles: Arc<Throttles>,
    /// Prometheus metrics of this process.
    pub metrics: Arc<super::metrics::Metrics>,
}

struct Throttles {
    /// Verified activities per remote host.
    inbox: Throttle<String>,
    /// Refused inbox requests per address (IPv6: per /64).
    failures: Throttle<IpAddr>,
    key_refreshes: Throttle<String>,
    /// Hosts whose NodeInfo is being read right now.
    probing: Mutex<HashSet<String>>,
}

impl Federation {
    /// Builds the context over `state`.
    pub fn new(state: AppState) -> anyhow::Result<Federation> {
        let client = client::build(&state.settings)?;
        Ok(Federation {
            throttles: Arc::new(Throttles {
                inbox: Throttle::new(
                    state.settings.inbox_rate_limit,
                    Duration::from_secs(60),
                    DEFAULT_CAPACITY,
                ),
                failures: Throttle::new(
                    state.settings.inbox_failure_limit,
                    Duration::from_secs(60),
                    DEFAULT_CAPACITY,
                ),
                key_refreshes: Throttle::new(1, KEY_REFRESH_EVERY, DEFAULT_CAPACITY),
                probing: Mutex::default(),
            }),
            state,
            client,
            keys: Arc::default(),
            signers: Arc::default(),
            metrics: Arc::default(),
        })
    }

    /// The same context over another database pool (the queue workers').
    pub fn on_pool(&self, pool: db::DbPool) -> Federation {
        let mut other = self.clone();
        other.state.pool = pool;
        other
    }

    /// The key that signs for our actor `actor_id` (a person, a community or
    /// the instance actor), parsed once and cached.
    pub async fn signing_key(&self, actor_id: &str) -> AppResult<Arc<SigningKey>> {
        if let Some(key) = self
            .keys
            .lock()
            .ok()
            .and_then(|keys| keys.get(actor_id).cloned())
        {
            return Ok(key);
        }
        let mut conn = self.state.pool.get().await?;
        let pem = if actor_id == self.state.urls.instance_actor().as_str() {
            db::instance::find(&mut conn)
                .await?
                .map(|row| row.private_key)
        } else if let Some(person) = db::person::find_by_ap_id(&mut conn, actor_id).await? {
            person.private_key
        } else {
            db::community::find_by_ap_id(&mut conn, actor_id)
                .await?
                .and_then(|c| c.private_key)
        };
        let pem =
            pem.ok_or_else(|| AppError::not_found(format!("no private key for {actor_id}")))?;
        let key = Arc::new(SigningKey::from_pem(&format!("{actor_id}#main-key"), &pem)?);
        if let Ok(mut keys) = self.keys.lock() {
            keys.insert(actor_id.to_string(), key.clone());
        }
        Ok(key)
    }

    /// Counts one verified activity from `host`; `Err(wait)` when the host
    /// is over `inbox_rate_limit` for the current minute.
    pub fn admit(&self, host: &str) -> Result<(), Duration> {
        self.throttles.inbox.charge(host.to_owned())
    }

    /// `Err(wait)` when `address` has had too many requests refused lately.
    pub fn check_failures(&self, address: IpAddr) -> Result<(), Duration> {
        self.throttles.failures.check(network_of(address))
    }

    /// Counts one refused inbox request from `address`.
    pub fn count_failure(&self, address: IpAddr) {
        let _ = self.throttles.failures.charge(network_of(address));
    }

    /// True when the key `key_id` may be fetched again now (at most once
    /// per few minutes: a bad signature must not make us fetch every time).
    pub fn may_refresh_key(&self, key_id: &str) -> bool {
        self.throttles
            .key_refreshes
            .charge(key_id.to_owned())
            .is_ok()
    }

    /// Marks `host`'s NodeInfo as being read, unless it already is (so
    /// concurrent activities from one new host cause one probe, not one
    /// each); the mark goes with the returned guard.
    pub fn begin_probe(&self, host: &str) -> Option<ProbeGuard> {
        let mut probing = self.throttles.probing.lock().ok()?;
        probing.insert(host.to_owned()).then(|| ProbeGuard {
            throttles: self.throttles.clone(),
            host: host.to_owned(),
        })
    }

    /// True when `url` is on this instance.
    pub fn is_local(&self, url: &url::Url) -> bool {
        url_authority(url) == self.state.settings.domain
    }
}

/// Handlers reach the services' state through the federation context (one
/// state type for every handler).
impl std::ops::Deref for Federation {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.state
    }
}

/// `host[:port]` of a URL, as our `domain` setting is written.
pub fn url_authority(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => String::new(),
    }
}

/// While alive, a NodeInfo probe of `host` is in progress.
pub struct ProbeGuard {
    throttles: Arc<Throttles>,
    host: String,
}

impl Drop for ProbeGuard {
    fn drop(&mut self) {
        if let Ok(mut probing) = self.throttles.probing.lock() {
            probing.remove(&self.host);
        }
    }
}

/// The unit a failure budget is kept for: the address, or its /64 for IPv6
/// (one host usually holds a whole /64).
fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(segments.into())
        }
    }
}
