//! `guildhall serve` as its own process, as users run it: this build's
//! binary in dev mode (`.test` names resolve to loopback) with its workers
//! on, on a throw-away database, ready once it answers `/readyz`. Killed
//! when dropped. Its memory and CPU time are read from `/proc/<pid>`
//! (`memory`, `cpu`).

use super::db::BenchDb;
use anyhow::{Context as _, ensure};
use std::{process::Stdio, time::Duration};
use tokio::process::Child;

/// A running `guildhall serve`.
pub struct Served {
    pub pid: u32,
    pub port: u16,
    pub domain: String,
    /// Killed before its database is dropped (fields drop in this order).
    _process: Child,
    pub db: BenchDb,
}

/// Starts `guildhall serve` as `<name>.test:<port>` on a new database, with
/// the `GUILDHALL_*` variables `env` on top of the defaults.
pub async fn start(name: &str, env: &[(&str, &str)]) -> anyhow::Result<Served> {
    let db = BenchDb::new(name);
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let domain = format!("{name}.test:{port}");
    let process = tokio::process::Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .arg("serve")
        .env("GUILDHALL_DEV", "1")
        .env("GUILDHALL_LOG", "error")
        .env("GUILDHALL_BIND", format!("127.0.0.1:{port}"))
        .env("GUILDHALL_DOMAIN", &domain)
        .env("GUILDHALL_DATABASE_URL", &db.url)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start guildhall serve")?;
    let pid = process.id().context("guildhall serve has no pid")?;
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
    Ok(Served {
        pid,
        port,
        domain,
        _process: process,
        db,
    })
}
