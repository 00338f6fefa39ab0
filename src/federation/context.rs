//! `Federation`: what federation code needs at hand — the app state, the
//! outgoing HTTP client, cached signing keys and the inbox rate limiter.

use super::{client, signature::SigningKey};
use crate::{
    db,
    error::{AppError, AppResult},
    services::AppState,
};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

/// Shared federation context (cheap to clone).
#[derive(Clone)]
pub struct Federation {
    pub state: AppState,
    pub client: reqwest::Client,
    keys: Arc<Mutex<HashMap<String, Arc<SigningKey>>>>,
    rate: Arc<Mutex<HashMap<String, (Instant, u32)>>>,
    probed: Arc<Mutex<std::collections::HashSet<String>>>,
}

impl Federation {
    /// Builds the context over `state`.
    pub fn new(state: AppState) -> anyhow::Result<Federation> {
        let client = client::build(&state.settings)?;
        Ok(Federation {
            state,
            client,
            keys: Arc::default(),
            rate: Arc::default(),
            probed: Arc::default(),
        })
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
        let pem = pem
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no private key for {actor_id}")))?;
        let key = Arc::new(SigningKey::from_pem(&format!("{actor_id}#main-key"), &pem)?);
        if let Ok(mut keys) = self.keys.lock() {
            keys.insert(actor_id.to_string(), key.clone());
        }
        Ok(key)
    }

    /// Counts one incoming activity from `domain`; false when it is over
    /// `inbox_rate_limit` for the current minute.
    pub fn admit(&self, domain: &str) -> bool {
        let limit = self.state.settings.inbox_rate_limit;
        let Ok(mut rate) = self.rate.lock() else {
            return true;
        };
        let now = Instant::now();
        let entry = rate.entry(domain.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0).as_secs() >= 60 {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= limit
    }

    /// True the first time it is called for `host` in this process: who
    /// reads a new instance's NodeInfo (so concurrent activities from one
    /// new host cause one probe, not one each).
    pub fn first_probe(&self, host: &str) -> bool {
        self.probed
            .lock()
            .map(|mut hosts| hosts.insert(host.to_string()))
            .unwrap_or(false)
    }

    /// True when `url` is on this instance.
    pub fn is_local(&self, url: &url::Url) -> bool {
        url_authority(url) == self.state.settings.domain
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
