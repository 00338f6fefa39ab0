//! Memory figures: a process's `VmRSS` or `VmHWM` from `/proc`, and the
//! idle memory of the server as its users run it — `guildhall serve`
//! (this build's binary), in dev mode with its workers on, on a throw-away
//! database, asked for `/readyz` and then left alone for a second.

use super::serve;
use std::time::Duration;

/// A field of `/proc/<pid>/status` in KiB (`VmRSS`, `VmHWM`); `pid`
/// `None`: this process.
pub fn status_kib(pid: Option<u32>, field: &str) -> Option<u64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_string(),
    };
    let status = std::fs::read_to_string(path).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// `VmRSS` of an idle `guildhall serve`, in KiB.
pub async fn idle_server_kib() -> anyhow::Result<u64> {
    let server = serve::start("idle", &[]).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    status_kib(Some(server.pid), "VmRSS").ok_or_else(|| anyhow::anyhow!("no VmRSS for the server"))
}
