//! What an instance admin does to the queues from the command line: send
//! waiting deliveries now instead of at their next retry, and list or
//! revive dead-lettered incoming activities.

use super::AppState;
use crate::{db, error::AppResult};

/// How many dead letters a listing shows at most.
pub const DEAD_LETTERS_SHOWN: i64 = 100;

/// Makes the deliveries waiting for a retry (to `domain`, or all) due now;
/// returns how many.
pub async fn retry_now(state: &AppState, domain: Option<&str>) -> AppResult<usize> {
    let mut conn = state.pool.get().await?;
    Ok(db::delivery::retry_now(&mut conn, domain).await?)
}

/// The most recent dead letters.
pub async fn dead_letters(state: &AppState) -> AppResult<Vec<db::incoming::DeadLetter>> {
    let mut conn = state.pool.get().await?;
    Ok(db::incoming::dead_letters(&mut conn, DEAD_LETTERS_SHOWN).await?)
}

/// Queues dead letters (one by id, or all) for another round of attempts;
/// returns how many.
pub async fn revive(state: &AppState, ap_id: Option<&str>) -> AppResult<usize> {
    let mut conn = state.pool.get().await?;
    Ok(db::incoming::revive(&mut conn, ap_id).await?)
}
