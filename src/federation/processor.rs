//! The inbox worker: processes stored incoming activities, never losing one
//! that was acknowledged.
//!
//! - Claims a batch (oldest first, `FOR UPDATE SKIP LOCKED`, with a lease)
//!   and processes it in parallel, up to `inbox_concurrency` at once, but
//!   the activities of one actor one after the other, in the order they
//!   arrived. A batch is bounded by a deadline shorter than its lease, so
//!   no claim outlives its lease; what the deadline cuts is claimed again.
//! - A refusal (the activity is invalid or not allowed) is final: recorded
//!   with its reason and logged.
//! - A transient failure (an unreachable server, the database) is retried
//!   with exponential backoff for as long as deliveries are (four days),
//!   then dead-lettered: kept with its body and error, counted in
//!   `/metrics` and `guildhall admin queue`.
//! - A panic while processing one activity dead-letters that activity and
//!   processing goes on; if the worker itself stops, it is restarted.
//! - Processed activities keep only their id (for de-duplication) and are
//!   purged after `incoming_retention_days`.

use super::{
    activities, context::Federation, fetch::FetchBudget, policy, protocol::activity::AnyActivity,
};
use crate::{
    db::{self, incoming::IncomingRow},
    error::{AppError, ErrorKind},
};
use chrono::{Duration, Utc};
use futures_util::{FutureExt, StreamExt, stream};
use std::{collections::HashMap, panic::AssertUnwindSafe};

/// How long a claimed activity stays ours (a crashed process's claims
/// expire): longer than the batch deadline below.
const LEASE_SECS: f64 = 120.0;
/// The same in fast-queue (test) mode.
const FAST_LEASE_SECS: f64 = 10.0;
/// How many activities one claim takes.
const BATCH: i64 = 200;
/// How long transient failures are retried before the activity is dead-lettered.
const GIVE_UP_AFTER: Duration = Duration::days(4);
/// How often processed activities are purged.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs forever: the worker, restarted if it ever stops.
pub async fn run(fed: Federation) {
    loop {
        let worker = tokio::spawn(work(fed.clone()));
        match worker.await {
            Ok(()) => tracing::error!("the inbox worker stopped; restarting it"),
            Err(err) => tracing::error!(error = %err, "the inbox worker died; restarting it"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

async fn work(fed: Federation) {
    let fast = fed.state.settings.fast_queue;
    let idle = std::time::Duration::from_millis(if fast { 20 } else { 300 });
    let lease = if fast { FAST_LEASE_SECS } else { LEASE_SECS };
    // Stop starting work well before the lease ends.
    let deadline = std::time::Duration::from_secs_f64(lease * 0.75);
    let mut last_purge = std::time::Instant::now();
    loop {
        if last_purge.elapsed() >= PURGE_EVERY {
            purge(&fed).await;
            last_purge = std::time::Instant::now();
        }
        let batch = match fed.state.pool.get().await {
            Ok(mut conn) => db::incoming::claim(&mut conn, BATCH, lease)
                .await
                .unwrap_or_else(|err| {
                    tracing::warn!(error = %err, "cannot claim incoming activities");
                    Vec::new()
                }),
            Err(_) => Vec::new(),
        };
        if batch.is_empty() {
            tokio::time::sleep(idle).await;
            continue;
        }
        let work = process_batch(&fed, batch);
        if tokio::time::timeout(deadline, work).await.is_err() {
            tracing::warn!("an inbox batch ran out of time; the rest is claimed again later");
        }
    }
}

/// Processes a batch: each actor's activities in order, actors in parallel.
async fn process_batch(fed: &Federation, batch: Vec<IncomingRow>) {
    let mut by_actor: Vec<Vec<IncomingRow>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in batch {
        let slot = *index.entry(row.actor.clone()).or_insert_with(|| {
            by_actor.push(Vec::new());
            by_actor.len() - 1
        });
        by_actor[slot].push(row);
    }
    let concurrency = fed.state.settings.inbox_concurrency.max(1);
    stream::iter(by_actor)
        .for_each_concurrent(concurrency, |rows| async move {
            for row in rows {
                process_guarded(fed, row).await;
            }
        })
        .await;
}

/// Processes one row; a panic dead-letters the row instead of the worker.
async fn process_guarded(fed: &Federation, row: IncomingRow) {
    let ap_id = row.ap_id.clone();
    if AssertUnwindSafe(process(fed, row))
        .catch_unwind()
        .await
        .is_err()
    {
        tracing::error!(activity = %ap_id, "processing an activity panicked; dead-lettered");
        if let Ok(mut conn) = fed.state.pool.get().await {
            let _ = db::incoming::dead_letter(&mut conn, &ap_id, "processing panicked").await;
        }
    }
}

async fn process(fed: &Federation, row: IncomingRow) {
    let outcome = match row.body.as_deref().map(serde_json::from_str::<AnyActivity>) {
        Some(Ok(activity)) => {
            let budget = FetchBudget::new(fed.state.settings.fetch_budget);
            // The host may have been blocked since the activity arrived.
            let host = activity.actor().host_str().unwrap_or_default().to_owned();
            match policy::allows(fed, &host).await {
                Ok(true) => activities::receive(fed, activity, &budget).await,
                Ok(false) => Err(AppError::forbidden(format!("{host} is not federated with"))),
                Err(err) => Err(err),
            }
        }
        Some(Err(err)) => Err(AppError::bad_request(err.to_string())),
        None => Err(AppError::bad_request("the stored activity has no body")),
    };
    let Ok(mut conn) = fed.state.pool.get().await else {
        // The lease expires and the activity is processed again.
        return;
    };
    let result = match outcome {
        Ok(()) => db::incoming::finish(&mut conn, &row.ap_id, None).await,
        Err(err) if is_transient(&err) && Utc::now() - row.received_at < GIVE_UP_AFTER => {
            tracing::debug!(activity = %row.ap_id, error = %err, attempts = row.attempts, "will retry");
            let wait = backoff(row.attempts, fed.state.settings.fast_queue);
            db::incoming::release(&mut conn, &row.ap_id, &err.to_string(), wait).await
        }
        Err(err) if is_transient(&err) => {
            tracing::warn!(activity = %row.ap_id, kind = %row.kind, error = %err, "activity dead-lettered after retrying for days");
            db::incoming::dead_letter(&mut conn, &row.ap_id, &err.to_string()).await
        }
        Err(err) => {
            tracing::info!(activity = %row.ap_id, kind = %row.kind, actor = %row.actor, reason = %err.message, "activity refused");
            db::incoming::finish(&mut conn, &row.ap_id, Some(&err.to_string())).await
        }
    };
    if let Err(err) = result {
        tracing::warn!(error = %err, "cannot record the processing of an activity; it is processed again");
    }
}

/// Failures that may pass: the database, an unreachable server.
fn is_transient(err: &AppError) -> bool {
    matches!(err.kind, ErrorKind::Internal | ErrorKind::Unavailable)
}

/// Seconds until the next attempt: 30 s doubling to six hours (in fast
/// mode, 100 ms doubling to two seconds).
fn backoff(attempts: i32, fast: bool) -> f64 {
    let factor = 2f64.powi(attempts.clamp(1, 20) - 1);
    if fast {
        (0.1 * factor).min(2.0)
    } else {
        (30.0 * factor).min(6.0 * 3600.0)
    }
}

async fn purge(fed: &Federation) {
    let days = fed.state.settings.incoming_retention_days;
    if let Ok(mut conn) = fed.state.pool.get().await {
        match db::incoming::purge_processed(&mut conn, days).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "purged processed incoming activities"),
            Err(err) => tracing::warn!(error = %err, "cannot purge incoming activities"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        assert_eq!(backoff(1, false), 30.0);
        assert_eq!(backoff(2, false), 60.0);
        assert_eq!(backoff(30, false), 6.0 * 3600.0);
        assert_eq!(backoff(1, true), 0.1);
        assert_eq!(backoff(10, true), 2.0);
    }
}
