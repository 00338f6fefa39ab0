//! What the single-instance benchmarks share: their settings from the
//! environment, and running them to print one Markdown table of figures.

use std::time::Duration;

/// The number in the environment variable `name`, else `default`.
pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A duration in milliseconds, two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `bench` on a multi-threaded runtime and prints its figures as a
/// Markdown table.
pub fn run<F>(bench: F) -> anyhow::Result<()>
where
    F: std::future::Future<Output = anyhow::Result<Vec<(String, String)>>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let rows = runtime.block_on(bench)?;
    runtime.shutdown_timeout(Duration::from_secs(1));
    println!("| figure | value |");
    println!("|---|---|");
    for (figure, value) in rows {
        println!("| {figure} | {value} |");
    }
    Ok(())
}

/// Boots one instance in dev mode as `serve` boots it, named
/// `<tag>.test:<port>`, on the (throw-away) database at `database_url`,
/// after `adjust` changed its settings; returns its state and the loopback
/// port it answers on.
pub async fn boot(
    tag: &str,
    database_url: &str,
    adjust: impl FnOnce(&mut guildhall::settings::Settings),
) -> anyhow::Result<(guildhall::services::AppState, u16)> {
    use anyhow::Context as _;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let mut settings = guildhall::settings::Settings {
        bind: format!("127.0.0.1:{port}"),
        domain: format!("{tag}.test:{port}"),
        database_url: database_url.to_string(),
        dev: true,
        log: "error".into(),
        ..guildhall::settings::Settings::default()
    };
    adjust(&mut settings);
    let app = guildhall::startup::Application::build_on(settings, listener)
        .await
        .context("cannot boot the instance")?;
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    Ok((state, port))
}
