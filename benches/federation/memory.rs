//! Memory figures: a process's `VmRSS` or `VmHWM` from `/proc`, and the
//! idle memory of the server as its users run it — `guildhall serve`
//! (this build's binary), in dev mode with its workers on, on a throw-away
//! database, asked for `/readyz` and then left alone for a second.

use super::db::BenchDb;
use anyhow::ensure;
use std::{process::Stdio, time::Duration};

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
    let db = BenchDb::new("serve");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .arg("serve")
        .env("GUILDHALL_DEV", "1")
        .env("GUILDHALL_BIND", format!("127.0.0.1:{port}"))
        .env("GUILDHALL_DOMAIN", format!("idle.test:{port}"))
        .env("GUILDHALL_DATABASE_URL", &db.url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let client = reqwest::Client::builder().no_proxy().build()?;
    let ready = format!("http://127.0.0.1:{port}/readyz");
    let mut answered = false;
    for _ in 0..300 {
        if let Ok(answer) = client.get(&ready).send().await
            && answer.status().is_success()
        {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(answered, "guildhall serve did not become ready in 30 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss = server.id().and_then(|pid| status_kib(Some(pid), "VmRSS"));
    server.kill().await?;
    rss.ok_or_else(|| anyhow::anyhow!("no VmRSS for the server"))
}
