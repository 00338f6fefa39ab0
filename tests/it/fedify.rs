//! Interop with a real third-party implementation: Fedify (npm
//! `@fedify/fedify`) looks up our Group and Person actors by URL and must
//! see their types and public keys. Run `npm ci --prefix tests/fedify` first
//! (`scripts/test` does); without it the test skips, except under `CI=true`.

use crate::{
    client::named,
    common::{TestApp, sample_charter},
};
use guildhall::api::communities::CreateCommunity;
use std::path::Path;

#[tokio::test]
async fn fedify_parses_our_group_and_person_actors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fedify");
    if !dir.join("node_modules/@fedify/fedify").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "Fedify is not installed: run `npm ci --prefix tests/fedify`"
        );
        eprintln!("skipping: Fedify is not installed (npm ci --prefix tests/fedify)");
        return;
    }
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    app.api(&token)
        .create_community(&CreateCommunity {
            charter: Some(sample_charter()),
            ..named("secguild")
        })
        .await
        .unwrap();
    let out = tokio::process::Command::new("node")
        .arg(dir.join("lookup.mjs"))
        .arg(format!("{}/c/secguild", app.base))
        .arg(format!("{}/u/alice", app.base))
        .output()
        .await
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "Fedify refused our actors:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Group") && stdout.contains("Person"),
        "{stdout}"
    );
}
