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
//! - One activity may take half a lease at most (then it counts as a
//!   transient failure). A panic while processing one activity
//!   dead-letters that activity and processing goes on; if the worker
//!   itself stops, it is restarted.
//! - When the process is asked to stop, it claims nothing more and the
//!   batch under way finishes (it is bounded by its deadline).
//! - Processed activities keep only their id (for de-duplication) and are
//!   purged after `incoming_retention_days`.

use super::{
    activities::{self, plain_posts},
    context::Federation,
    fetch::FetchBudget,
    metrics::InboxOutcome,
    policy,
    stop::{self, Stop},
};
use crate::{
    db::{self, incoming::IncomingRow},
    error::{AppError, AppResult, ErrorKind},
    protocol::activity::AnyActivity,
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

/// Runs the worker until `stop` turns true, restarting it if it dies.
pub async fn run(fed: Federation, stop: Stop) {
    loop {
        let worker = tokio::spawn(work(fed.clone(), stop.clone()));
        let outcome = worker.await;
        if !stop::running(&stop) {
            return;
        }
        match outcome {
            Ok(()) => tracing::error!("the inbox worker stopped; restarting it"),
            Err(err) => tracing::error!(error = %err, "the inbox worker died; restarting it"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

async fn work(fed: Federation, mut stop: Stop) {
    let fast = fed.state.settings.fast_queue;
    let idle = std::time::Duration::from_millis(if fast { 20 } else { 300 });
    let lease = lease_secs(&fed);
    // Stop starting work well before the lease ends.
    let deadline = std::time::Duration::from_secs_f64(lease * 0.75);
    let mut last_purge = std::time::Instant::now();
    while stop::running(&stop) {
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
            stop::pause(idle, &mut stop).await;
            continue;
        }
        let work = process_batch(&fed, batch);
        if tokio::time::timeout(deadline, work).await.is_err() {
            tracing::warn!("an inbox batch ran out of time; the rest is claimed again later");
        }
    }
}

/// Processes a batch: first the groups of plain posts together
/// (`activities::plain_posts`), then the rest in parallel, keeping order
/// where it matters.
async fn process_batch(fed: &Federation, batch: Vec<IncomingRow>) {
    let mut plain = Vec::new();
    let mut others = Vec::new();
    for group in in_order(batch) {
        let read: Vec<_> = group
            .into_iter()
            .map(|row| plain_posts::read(fed, row))
            .collect();
        if read.iter().all(Result::is_ok) {
            plain.push(read.into_iter().filter_map(Result::ok).collect());
        } else {
            others.extend(
                read.into_iter()
                    .map(|r| r.map_or_else(|row| row, |p| p.row)),
            );
        }
    }
    let taken = plain_posts::receive(fed, plain).await;
    for (row, outcome) in taken.done {
        record(fed, &row, outcome, true).await;
    }
    others.extend(taken.back);
    process_in_order(fed, others).await;
}

/// The rows of a batch in groups that keep their order: the activities of
/// one actor, and those about one object (a post and a like of it), in
/// arrival order.
fn in_order(batch: Vec<IncomingRow>) -> Vec<Vec<IncomingRow>> {
    let mut groups = OrderGroups::default();
    let mut slots = Vec::with_capacity(batch.len());
    for row in &batch {
        let object = row.body.as_deref().and_then(object_id);
        slots.push(groups.join(&row.actor, object.as_deref()));
    }
    let mut ordered: HashMap<usize, Vec<IncomingRow>> = HashMap::new();
    let mut order = Vec::new();
    for (row, slot) in batch.into_iter().zip(slots) {
        let root = groups.root(slot);
        if !ordered.contains_key(&root) {
            order.push(root);
        }
        ordered.entry(root).or_default().push(row);
    }
    order
        .into_iter()
        .filter_map(|root| ordered.remove(&root))
        .collect()
}

/// Processes rows one by one, in parallel, each group of [`in_order`] one
/// after the other.
async fn process_in_order(fed: &Federation, rows: Vec<IncomingRow>) {
    let sequences = in_order(rows);
    let concurrency = fed.state.settings.inbox_concurrency.max(1);
    stream::iter(sequences)
        .for_each_concurrent(concurrency, |rows| async move {
            for row in rows {
                process_guarded(fed, row).await;
            }
        })
        .await;
}

/// The id of an activity's object (a URL, or an embedded object's `id`).
fn object_id(body: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Shape {
        object: Option<serde_json::Value>,
    }
    match serde_json::from_str::<Shape>(body).ok()?.object? {
        serde_json::Value::String(id) => Some(id),
        serde_json::Value::Object(map) => map.get("id")?.as_str().map(str::to_owned),
        _ => None,
    }
}

/// Union-find over keys (actors and objects): rows that share a key end in
/// one group.
#[derive(Default)]
struct OrderGroups {
    parent: Vec<usize>,
    keys: HashMap<String, usize>,
}

impl OrderGroups {
    /// Adds a row with its actor and object; returns its slot.
    fn join(&mut self, actor: &str, object: Option<&str>) -> usize {
        let slot = self.slot(actor);
        if let Some(object) = object {
            let other = self.slot(object);
            let (a, b) = (self.root(slot), self.root(other));
            if a != b {
                self.parent[b] = a;
            }
        }
        slot
    }

    fn slot(&mut self, key: &str) -> usize {
        if let Some(slot) = self.keys.get(key) {
            return *slot;
        }
        let slot = self.parent.len();
        self.parent.push(slot);
        self.keys.insert(key.to_owned(), slot);
        slot
    }

    fn root(&mut self, mut slot: usize) -> usize {
        while self.parent[slot] != slot {
            self.parent[slot] = self.parent[self.parent[slot]];
            slot = self.parent[slot];
        }
        slot
    }
}

/// Processes one row within half a lease; a panic dead-letters the row
/// instead of stopping the worker, and running out of time counts as a
/// transient failure.
async fn process_guarded(fed: &Federation, row: IncomingRow) {
    let (ap_id, attempts, received_at) = (row.ap_id.clone(), row.attempts, row.received_at);
    let kind = row.kind.clone();
    let limit = std::time::Duration::from_secs_f64(lease_secs(fed) / 2.0);
    let guarded = AssertUnwindSafe(process(fed, row)).catch_unwind();
    let failure = match tokio::time::timeout(limit, guarded).await {
        Ok(Ok(())) => return,
        Ok(Err(_)) => {
            tracing::error!(activity = %ap_id, "processing an activity panicked; dead-lettered");
            None
        }
        Err(_) => Some("processing took too long"),
    };
    let Ok(mut conn) = fed.state.pool.get().await else {
        return;
    };
    let retry = failure.is_some() && Utc::now() - received_at < GIVE_UP_AFTER;
    let counted = if retry {
        InboxOutcome::Retried
    } else {
        InboxOutcome::DeadLettered
    };
    fed.metrics.inbox(&kind, counted);
    let recorded = match failure {
        Some(why) if retry => {
            let wait = backoff(attempts, fed.state.settings.fast_queue);
            db::incoming::release(&mut conn, &ap_id, why, wait).await
        }
        Some(why) => db::incoming::dead_letter(&mut conn, &ap_id, why).await,
        None => db::incoming::dead_letter(&mut conn, &ap_id, "processing panicked").await,
    };
    if let Err(err) = recorded {
        tracing::warn!(error = %err, "cannot record the failure of an activity");
    }
}

fn lease_secs(fed: &Federation) -> f64 {
    if fed.state.settings.fast_queue {
        FAST_LEASE_SECS
    } else {
        LEASE_SECS
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
    record(fed, &row, outcome, false).await;
}

/// Counts what became of `row` and records it: processed (unless
/// `finished` already says so), retried later, dead-lettered or refused.
async fn record(fed: &Federation, row: &IncomingRow, outcome: AppResult<()>, finished: bool) {
    let retry = Utc::now() - row.received_at < GIVE_UP_AFTER;
    let counted = match &outcome {
        Ok(()) => InboxOutcome::Processed,
        Err(err) if is_transient(err) && retry => InboxOutcome::Retried,
        Err(err) if is_transient(err) => InboxOutcome::DeadLettered,
        Err(_) => InboxOutcome::Refused,
    };
    if finished && outcome.is_ok() {
        fed.metrics.inbox(&row.kind, counted);
        return;
    }
    let Ok(mut conn) = fed.state.pool.get().await else {
        // The lease expires and the activity is processed again.
        return;
    };
    fed.metrics.inbox(&row.kind, counted);
    let result = match outcome {
        Ok(()) => db::incoming::finish(&mut conn, &row.ap_id, None).await,
        Err(err) if is_transient(&err) && retry => {
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
    use super::{OrderGroups, backoff, object_id};

    #[test]
    fn activities_of_one_actor_or_about_one_object_share_a_group() {
        let mut groups = OrderGroups::default();
        let create = groups.join("mona", Some("note1"));
        let like = groups.join("dave", Some("note1"));
        let other = groups.join("erin", Some("note2"));
        let mona_again = groups.join("mona", Some("note3"));
        assert_eq!(groups.root(create), groups.root(like));
        assert_eq!(groups.root(create), groups.root(mona_again));
        assert_ne!(groups.root(create), groups.root(other));
        assert_eq!(object_id(r#"{"object":{"id":"x"}}"#).as_deref(), Some("x"));
        assert_eq!(object_id(r#"{"object":"y"}"#).as_deref(), Some("y"));
        assert_eq!(object_id(r#"{"object":[1]}"#), None);
    }

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        assert_eq!(backoff(1, false), 30.0);
        assert_eq!(backoff(2, false), 60.0);
        assert_eq!(backoff(30, false), 6.0 * 3600.0);
        assert_eq!(backoff(1, true), 0.1);
        assert_eq!(backoff(10, true), 2.0);
    }
}
