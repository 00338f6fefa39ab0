//! The pages in a real browser: `tests/browser/journeys.mjs` drives
//! headless Chromium (Debian's `chromium`, through `playwright-core`)
//! against a real instance with two accounts — sign in, start a community
//! with a charter, post, reply, an XSS attempt, plan an event and RSVP,
//! give kudos, edit the charter and compare versions, remove a post as a
//! moderator, search the directory, block an instance as an admin, a
//! forged CSRF token, an expired session, and sign-in, joining, posting,
//! RSVP and replying with JavaScript off — checks each main page with
//! axe-core and saves screenshots at 1280 and 375 px in
//! `target/browser-artifacts/`. Needs `npm ci --prefix tests/browser` and
//! `/usr/bin/chromium` (`scripts/test` installs both); without them the
//! test skips, except under `CI=true`. On failure the script's output is
//! the message.

use crate::common::TestApp;
use std::path::{Path, PathBuf};

/// The script's directory, or `None` (after saying why) when the browser
/// tests cannot run here. Under `CI=true` a missing prerequisite fails.
fn prerequisites() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing = if !dir.join("node_modules/playwright-core").exists() {
        Some("playwright-core is not installed: run `npm ci --prefix tests/browser`".to_string())
    } else if !Path::new(&chromium).exists() {
        Some(format!(
            "no Chromium at {chromium}: `apt-get install chromium` or set CHROMIUM"
        ))
    } else {
        None
    };
    let Some(why) = missing else {
        return Some(dir);
    };
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("skipping: {why}");
    None
}

#[tokio::test]
async fn the_journeys_pass_in_headless_chromium_with_and_without_javascript() {
    let Some(dir) = prerequisites() else {
        return;
    };
    let app = TestApp::spawn().await;
    app.user("ada", true).await;
    app.user("grace", false).await;
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-artifacts");
    let out = tokio::process::Command::new("node")
        .arg(dir.join("journeys.mjs"))
        .env("GUILDHALL_URL", &app.base)
        .env("GUILDHALL_USERS", "ada,grace")
        .env("GUILDHALL_PASSWORD", "correct horse battery")
        .env("GUILDHALL_ARTIFACTS", &artifacts)
        .kill_on_drop(true)
        .output()
        .await
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser journeys failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    println!("{stdout}");
    app.settle().await;
}
