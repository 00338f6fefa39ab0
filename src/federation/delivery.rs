//! The delivery worker: claims due rows of the delivery queue, signs each
//! request with its actor's key and POSTs it, in parallel across inboxes.
//!
//! - It claims only as many rows as it can send at once
//!   (`delivery_concurrency`), and each attempt is cut off well before its
//!   lease ends, so no claim outlives its lease (another process would
//!   send it again).
//! - Failures are retried with exponential backoff for four days: network
//!   errors, 5xx, 408, 429, and 401 (Mastodon retries those too: the peer
//!   may not have our new key yet), and a transient failure to load the
//!   signing key.
//! - Refusals that cannot improve (other 4xx, an inbox we may not contact,
//!   an actor without a key) are dropped, logged and counted per instance.
//! - Of an error answer, at most a few KB are read.
//! - Successes are counted per instance in memory and recorded together
//!   about once a second (a busy instance's row is not written once per
//!   delivery); failures are recorded at once.
//! - When the process is asked to stop, it claims nothing more and waits
//!   (no longer than an attempt may last) for the attempts under way, so
//!   each is recorded as delivered or rescheduled and no lease is left
//!   behind.

use super::{
    context::Federation,
    fetch::{self, FetchError},
    metrics::DeliveryOutcome,
    stop::{self, Stop},
};
use crate::{
    db::{self, delivery::DueDelivery},
    error::ErrorKind,
    signature,
};
use chrono::{Duration, Utc};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};
use tokio::sync::Semaphore;

/// How long a claimed delivery stays ours before another worker (or this
/// process after a crash) may take it: longer than an attempt may last.
const LEASE_SECS: f64 = 60.0;
/// The same in fast-queue (test) mode.
const FAST_LEASE_SECS: f64 = 2.0;
/// How long we keep trying an unreachable inbox.
const GIVE_UP_AFTER: Duration = Duration::days(4);
/// How much of an error answer we read (for the log and the admin view).
const MAX_ERROR_BODY: usize = 4 * 1024;
/// How often the successes counted in memory are recorded.
const RECORD_SUCCESSES_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// The same in fast-queue (test) mode.
const FAST_RECORD_SUCCESSES_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

/// Delivers what is due until `stop` turns true, then lets the attempts
/// under way finish.
pub async fn run(fed: Federation, mut stop: Stop) {
    let fast = fed.state.settings.fast_queue;
    let idle = std::time::Duration::from_millis(if fast { 20 } else { 500 });
    let lease = if fast { FAST_LEASE_SECS } else { LEASE_SECS };
    let attempt_limit = std::time::Duration::from_secs_f64(lease * 0.75);
    let slots = fed.state.settings.delivery_concurrency.max(1);
    let permits = Arc::new(Semaphore::new(slots));
    let successes = Arc::new(Successes::default());
    let record_every = match fast {
        true => FAST_RECORD_SUCCESSES_EVERY,
        false => RECORD_SUCCESSES_EVERY,
    };
    let mut recorded_at = Instant::now();
    while stop::running(&stop) {
        if recorded_at.elapsed() >= record_every {
            successes.record(&fed).await;
            recorded_at = Instant::now();
        }
        // Wait for a free slot, then claim no more than the free slots.
        let first = tokio::select! {
            permit = permits.clone().acquire_owned() => permit,
            _ = stop::requested(&mut stop) => continue,
        };
        let Ok(first) = first else {
            return;
        };
        let free = 1 + permits.available_permits();
        let claimed = match fed.state.pool.get().await {
            Ok(mut conn) => db::delivery::claim_due(&mut conn, free as i64, lease).await,
            Err(err) => {
                tracing::warn!(error = %err, "delivery worker cannot reach the database");
                drop(first);
                stop::pause(idle * 10, &mut stop).await;
                continue;
            }
        };
        let batch = match claimed {
            Ok(batch) if !batch.is_empty() => batch,
            Ok(_) => {
                drop(first);
                stop::pause(idle, &mut stop).await;
                continue;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot claim deliveries");
                drop(first);
                stop::pause(idle * 10, &mut stop).await;
                continue;
            }
        };
        let mut first = Some(first);
        for delivery in batch {
            let permit = match first.take() {
                Some(permit) => permit,
                None => match permits.clone().acquire_owned().await {
                    Ok(permit) => permit,
                    Err(_) => return,
                },
            };
            let (fed, successes) = (fed.clone(), successes.clone());
            tokio::spawn(async move {
                deliver(&fed, delivery, attempt_limit, &successes).await;
                drop(permit);
            });
        }
    }
    // Every slot free again means every attempt under way was recorded.
    let all = u32::try_from(slots).unwrap_or(u32::MAX);
    let drained = permits.acquire_many(all);
    if tokio::time::timeout(attempt_limit, drained).await.is_err() {
        tracing::warn!("stopped before every delivery attempt finished; their leases expire");
    }
    successes.record(&fed).await;
}

/// Deliveries that succeeded since they were last recorded, per instance.
#[derive(Default)]
struct Successes(Mutex<HashMap<String, i64>>);

impl Successes {
    fn add(&self, domain: &str) {
        if let Ok(mut counts) = self.0.lock() {
            *counts.entry(domain.to_owned()).or_default() += 1;
        }
    }

    /// Records the counts (one statement) and starts counting again; what
    /// cannot be recorded now is kept for the next time.
    async fn record(&self, fed: &Federation) {
        let counts: Vec<(String, i64)> = match self.0.lock() {
            Ok(mut counts) => counts.drain().collect(),
            Err(_) => return,
        };
        if counts.is_empty() {
            return;
        }
        let recorded = match fed.state.pool.get().await {
            Ok(mut conn) => db::peer::record_successes(&mut conn, &counts, Utc::now())
                .await
                .map_err(|err| err.to_string()),
            Err(err) => Err(err.to_string()),
        };
        if let Err(err) = recorded {
            tracing::warn!(error = %err, "cannot record delivery successes; trying again later");
            if let Ok(mut kept) = self.0.lock() {
                for (domain, n) in counts {
                    *kept.entry(domain).or_default() += n;
                }
            }
        }
    }
}

/// What became of one attempt.
enum Outcome {
    Delivered,
    Retry(String),
    GiveUp(String),
}

async fn deliver(
    fed: &Federation,
    delivery: DueDelivery,
    limit: std::time::Duration,
    successes: &Successes,
) {
    let outcome = tokio::time::timeout(limit, attempt(fed, &delivery))
        .await
        .unwrap_or_else(|_| Outcome::Retry("the attempt took too long".into()));
    let Ok(mut conn) = fed.state.pool.get().await else {
        return;
    };
    let counted = match &outcome {
        Outcome::Delivered => DeliveryOutcome::Delivered,
        Outcome::Retry(_) if Utc::now() - delivery.created_at <= GIVE_UP_AFTER => {
            DeliveryOutcome::Retried
        }
        Outcome::Retry(_) | Outcome::GiveUp(_) => DeliveryOutcome::GivenUp,
    };
    fed.metrics.delivery(counted);
    let domain = &delivery.domain;
    let result = match &outcome {
        Outcome::Delivered => {
            successes.add(domain);
            db::delivery::complete(&mut conn, delivery.id).await
        }
        Outcome::GiveUp(error) => {
            tracing::warn!(inbox = %delivery.inbox, %error, "delivery dropped");
            let _ = db::peer::record_failure(&mut conn, domain, error, true).await;
            db::delivery::complete(&mut conn, delivery.id).await
        }
        Outcome::Retry(error) if Utc::now() - delivery.created_at > GIVE_UP_AFTER => {
            tracing::warn!(inbox = %delivery.inbox, %error, "delivery given up after retrying for days");
            let _ = db::peer::record_failure(&mut conn, domain, error, true).await;
            db::delivery::complete(&mut conn, delivery.id).await
        }
        Outcome::Retry(error) => {
            tracing::debug!(inbox = %delivery.inbox, %error, attempts = delivery.attempts + 1, "delivery will be retried");
            let _ = db::peer::record_failure(&mut conn, domain, error, false).await;
            let at = Utc::now() + backoff(delivery.attempts, fed.state.settings.fast_queue);
            db::delivery::retry_at(&mut conn, delivery.id, at, error).await
        }
    };
    if let Err(err) = result {
        tracing::warn!(error = %err, "cannot record a delivery outcome; the lease will expire and it is retried");
    }
}

async fn attempt(fed: &Federation, delivery: &DueDelivery) -> Outcome {
    let Ok(inbox) = url::Url::parse(&delivery.inbox) else {
        return Outcome::GiveUp(format!("the inbox `{}` is not a URL", delivery.inbox));
    };
    // Scheme, host form (no IP literals in production) and federation policy.
    match fetch::check_url(fed, &inbox).await {
        Ok(()) => {}
        Err(FetchError::NotAllowed(why)) => return Outcome::GiveUp(why),
        Err(err) => return Outcome::Retry(err.to_string()),
    }
    let key = match fed.signing_key(&delivery.signer).await {
        Ok(key) => key,
        Err(err) if err.kind == ErrorKind::NotFound => {
            return Outcome::GiveUp(format!("no key to sign with: {err}"));
        }
        Err(err) => return Outcome::Retry(format!("cannot load the signing key: {err}")),
    };
    let body = delivery.body.as_bytes();
    let headers = match signature::sign_request("POST", &inbox, Some(body), &key) {
        Ok(headers) => headers,
        Err(err) => return Outcome::GiveUp(format!("cannot sign: {err}")),
    };
    let mut request = fed
        .client
        .post(inbox)
        .header("content-type", "application/activity+json")
        .body(delivery.body.clone());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(response) if response.status().is_success() => Outcome::Delivered,
        Ok(response) => {
            let status = response.status().as_u16();
            let text = error_text(response).await;
            let error = format!("{status}: {text}");
            if (400..500).contains(&status) && !matches!(status, 401 | 408 | 429) {
                Outcome::GiveUp(error)
            } else {
                Outcome::Retry(error)
            }
        }
        Err(err) => Outcome::Retry(err.to_string()),
    }
}

/// The start of an error answer: at most [`MAX_ERROR_BODY`] bytes are
/// read, and 200 characters kept.
async fn error_text(mut response: reqwest::Response) -> String {
    let mut body = Vec::new();
    while body.len() < MAX_ERROR_BODY {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.truncate(MAX_ERROR_BODY);
    String::from_utf8_lossy(&body).chars().take(200).collect()
}

/// Exponential backoff: one minute doubling to six hours (in fast mode,
/// 100 ms doubling to two seconds).
fn backoff(attempts: i32, fast: bool) -> Duration {
    let factor = 2i64.saturating_pow(attempts.clamp(0, 20) as u32);
    if fast {
        Duration::milliseconds((100 * factor).min(2_000))
    } else {
        Duration::seconds((60 * factor).min(6 * 3600))
    }
}
