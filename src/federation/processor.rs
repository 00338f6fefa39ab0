//! The inbox worker: processes stored incoming activities in the order they
//! arrived. Refusals are recorded with their reason (and logged); transient
//! failures (an unreachable server, the database) are retried a few times.

use super::{activities, context::Federation, fetch::FetchBudget, protocol::activity::AnyActivity};
use crate::{
    db::{self, incoming::IncomingRow},
    error::ErrorKind,
};

/// How long a claimed activity stays ours (a crashed process's claims expire).
const LEASE_SECS: f64 = 30.0;
/// The same in fast-queue (test) mode.
const FAST_LEASE_SECS: f64 = 2.0;
const MAX_ATTEMPTS: i32 = 5;

/// Runs forever, processing what the inboxes stored.
pub async fn run(fed: Federation) {
    let idle = std::time::Duration::from_millis(if fed.state.settings.fast_queue {
        20
    } else {
        300
    });
    let lease = if fed.state.settings.fast_queue {
        FAST_LEASE_SECS
    } else {
        LEASE_SECS
    };
    loop {
        let batch = match fed.state.pool.get().await {
            Ok(mut conn) => db::incoming::claim(&mut conn, 50, lease)
                .await
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        if batch.is_empty() {
            tokio::time::sleep(idle).await;
            continue;
        }
        for row in batch {
            process(&fed, row).await;
        }
    }
}

async fn process(fed: &Federation, row: IncomingRow) {
    let outcome = match serde_json::from_str::<AnyActivity>(&row.body) {
        Ok(activity) => {
            let budget = FetchBudget::new(fed.state.settings.fetch_budget);
            activities::receive(fed, activity, &budget).await
        }
        Err(err) => Err(crate::error::AppError::bad_request(err.to_string())),
    };
    let Ok(mut conn) = fed.state.pool.get().await else {
        return;
    };
    let result = match outcome {
        Ok(()) => db::incoming::finish(&mut conn, &row.ap_id, None).await,
        Err(err) if err.kind == ErrorKind::Internal && row.attempts < MAX_ATTEMPTS => {
            tracing::debug!(activity = %row.ap_id, error = %err, "will retry");
            let wait = if fed.state.settings.fast_queue {
                0.2
            } else {
                30.0 * f64::from(row.attempts)
            };
            db::incoming::release(&mut conn, &row.ap_id, &err.to_string(), wait).await
        }
        Err(err) => {
            tracing::info!(activity = %row.ap_id, kind = %row.kind, actor = %row.actor, reason = %err.message, "activity refused");
            db::incoming::finish(&mut conn, &row.ap_id, Some(&err.to_string())).await
        }
    };
    if let Err(err) = result {
        tracing::warn!(error = %err, "cannot record the processing of an activity");
    }
}
