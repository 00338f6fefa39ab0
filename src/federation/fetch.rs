//! Fetching remote ActivityPub documents: signed GETs by our instance actor
//! (some peers answer 401 to unsigned ones), within a per-activity budget,
//! honouring the federation policy, with a size cap and no redirects.

use super::{context::Federation, policy};
use crate::signature;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU32, Ordering};
use url::Url;

/// Largest document we read (Mastodon's limit too).
const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Why a fetch failed.
#[derive(Debug)]
pub enum FetchError {
    /// The budget of fetches for this activity is spent.
    BudgetExhausted,
    /// The host is blocked, not a partner, or not allowed (scheme, address).
    NotAllowed(String),
    /// The document is gone (404/410).
    Gone,
    /// Network failure, bad status, or a document we cannot read.
    Failed(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::BudgetExhausted => write!(f, "fetch budget exhausted"),
            FetchError::NotAllowed(why) => write!(f, "fetch not allowed: {why}"),
            FetchError::Gone => write!(f, "the document is gone"),
            FetchError::Failed(why) => write!(f, "fetch failed: {why}"),
        }
    }
}

impl std::error::Error for FetchError {}

/// How many more fetches one incoming activity may cause.
pub struct FetchBudget(AtomicU32);

impl FetchBudget {
    /// A budget of `n` fetches.
    pub fn new(n: u32) -> Self {
        FetchBudget(AtomicU32::new(n))
    }

    fn take(&self) -> bool {
        self.0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// Checks that we may contact `url` at all: scheme, host form, policy.
pub async fn check_url(fed: &Federation, url: &Url) -> Result<(), FetchError> {
    let dev = fed.state.settings.dev;
    match url.scheme() {
        "https" => {}
        "http" if dev => {}
        other => return Err(FetchError::NotAllowed(format!("scheme {other}"))),
    }
    let host = match url.host() {
        Some(url::Host::Domain(host)) => host.to_string(),
        Some(_) if dev => url.host_str().unwrap_or_default().to_string(),
        _ => {
            return Err(FetchError::NotAllowed(
                "the host must be a domain name".into(),
            ));
        }
    };
    match policy::allows(fed, &host).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(FetchError::NotAllowed(format!(
            "{host} is not federated with"
        ))),
        Err(err) => Err(FetchError::Failed(err.to_string())),
    }
}

/// GETs `url` as ActivityPub JSON, signed by our instance actor, and parses
/// it. The answer must be served as ActivityPub (`application/activity+json`
/// or `application/ld+json`): a file that merely holds JSON (an upload, say)
/// is not a document of its server.
pub async fn fetch<T: DeserializeOwned>(
    fed: &Federation,
    url: &Url,
    budget: &FetchBudget,
) -> Result<T, FetchError> {
    get(
        fed,
        url,
        budget,
        "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        is_activitypub,
    )
    .await
}

/// GETs `url` as plain JSON (WebFinger, NodeInfo), signed like [`fetch`].
pub async fn fetch_json<T: DeserializeOwned>(
    fed: &Federation,
    url: &Url,
    budget: &FetchBudget,
) -> Result<T, FetchError> {
    get(fed, url, budget, "application/json", |media| {
        media.ends_with("json")
    })
    .await
}

/// True for the media types ActivityPub documents are served as.
fn is_activitypub(media: &str) -> bool {
    media == "application/activity+json" || media == "application/ld+json"
}

async fn get<T: DeserializeOwned>(
    fed: &Federation,
    url: &Url,
    budget: &FetchBudget,
    accept: &str,
    acceptable: fn(&str) -> bool,
) -> Result<T, FetchError> {
    if !budget.take() {
        return Err(FetchError::BudgetExhausted);
    }
    check_url(fed, url).await?;
    let key = fed
        .signing_key(fed.state.urls.instance_actor().as_str())
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?;
    let headers = signature::sign_request("GET", url, None, &key)
        .map_err(|e| FetchError::Failed(e.to_string()))?;
    let mut request = fed.client.get(url.clone()).header("accept", accept);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let mut response = request
        .send()
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?;
    match response.status().as_u16() {
        200 => {}
        404 | 410 => return Err(FetchError::Gone),
        status => return Err(FetchError::Failed(format!("{url} answered {status}"))),
    }
    let media = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !acceptable(&media) {
        return Err(FetchError::NotAllowed(format!(
            "{url} is served as `{media}`, not as ActivityPub"
        )));
    }
    if response
        .content_length()
        .is_some_and(|n| n as usize > MAX_DOCUMENT_BYTES)
    {
        return Err(FetchError::Failed("document too large".into()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_DOCUMENT_BYTES {
            return Err(FetchError::Failed("document too large".into()));
        }
    }
    serde_json::from_slice(&body).map_err(|e| FetchError::NotAllowed(format!("{url}: {e}")))
}
