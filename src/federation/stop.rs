//! The queue workers' stop signal: `startup` flips it on shutdown (or drops
//! it with the application); a worker then claims nothing more.

use tokio::sync::watch;

/// The receiving end a worker holds.
pub type Stop = watch::Receiver<bool>;

/// A new signal: the sender (for `startup`) and the receiver (for workers).
pub fn signal() -> (watch::Sender<bool>, Stop) {
    watch::channel(false)
}

/// True until a stop was asked for or the sender is gone.
pub fn running(stop: &Stop) -> bool {
    !*stop.borrow() && stop.has_changed().is_ok()
}

/// Completes when a stop is asked for (or the sender is gone).
pub async fn requested(stop: &mut Stop) {
    let _ = stop.wait_for(|stopping| *stopping).await;
}

/// Sleeps for `wait`, or less when a stop is asked for.
pub async fn pause(wait: std::time::Duration, stop: &mut Stop) {
    tokio::select! {
        _ = tokio::time::sleep(wait) => {}
        _ = requested(stop) => {}
    }
}
