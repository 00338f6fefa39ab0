//! Charters: replace with validation, versioned history with authors.

use crate::common::{TestApp, sample_charter};
use serde_json::{Value, json};

async fn put(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.send(
        reqwest::Method::PUT,
        "/api/v1/communities/secguild/charter",
        Some(token),
        Some(body.to_string()),
    )
    .await
}

#[tokio::test]
async fn every_charter_change_is_a_numbered_version_with_author_and_time() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    let root = app.user("root", true).await;
    app.post(
        "/api/v1/communities",
        Some(&alice),
        &json!({"name": "secguild"}),
    )
    .await;
    let (status, _) = app
        .get_json("/api/v1/communities/secguild/charter", "application/json")
        .await;
    assert_eq!(status, 404, "no charter yet");

    let res = put(&app, &alice, &json!({"purpose": "First purpose"})).await;
    assert_eq!(res.status(), 200);
    let first: Value = res.json().await.unwrap();
    assert_eq!(first["version"], 1);
    assert_eq!(first["author"], "alice");

    let res = put(&app, &root, &sample_charter()).await;
    assert_eq!(res.status(), 200);

    let (_, current) = app
        .get_json("/api/v1/communities/secguild/charter", "application/json")
        .await;
    assert_eq!(current["version"], 2);
    assert_eq!(current["author"], "root");
    assert_eq!(
        current["charter"],
        sample_charter(),
        "the charter round-trips unchanged"
    );

    let (_, history) = app
        .get_json(
            "/api/v1/communities/secguild/charter/history",
            "application/json",
        )
        .await;
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["version"], 2);
    assert_eq!(items[1]["version"], 1);
    assert_eq!(items[1]["charter"]["purpose"], "First purpose");
    assert!(items[1]["created_at"].as_str().unwrap().starts_with("20"));
}

#[tokio::test]
async fn invalid_charters_are_422_naming_the_field_and_change_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    app.post(
        "/api/v1/communities",
        Some(&alice),
        &json!({"name": "secguild"}),
    )
    .await;
    put(&app, &alice, &json!({"purpose": "Kept"})).await;
    let cases = [
        (json!({"topics": ["x"]}), "charter.purpose"),
        (json!({"purpose": "  "}), "charter.purpose"),
        (json!({"purpose": "p", "stage": "sleepy"}), "charter.stage"),
        (json!({"purpose": "p", "colour": "red"}), "charter.colour"),
        (
            json!({"purpose": "p", "languages": ["english please"]}),
            "charter.languages[0]",
        ),
        (
            json!({"purpose": "p", "content_links": [{"label": "x", "url": "javascript:alert(1)"}]}),
            "charter.content_links[0].url",
        ),
        (
            json!({"purpose": "p", "core_team": ["not a handle"]}),
            "charter.core_team[0]",
        ),
        (
            json!({"purpose": "p", "practices": [{"name": ""}]}),
            "charter.practices[0].name",
        ),
        (
            json!({"purpose": "p", "topics": "appsec"}),
            "charter.topics",
        ),
    ];
    for (body, field) in cases {
        let res = put(&app, &alice, &body).await;
        assert_eq!(res.status(), 422, "{body}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "unprocessable");
        assert_eq!(err["field"], field, "{body}");
    }
    assert_eq!(app.count("charter_versions").await, 1);
    let (_, current) = app
        .get_json("/api/v1/communities/secguild/charter", "application/json")
        .await;
    assert_eq!(current["charter"]["purpose"], "Kept");
}

#[tokio::test]
async fn only_moderators_may_replace_a_charter() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    let bob = app.user("bob", false).await;
    app.post(
        "/api/v1/communities",
        Some(&alice),
        &json!({"name": "secguild"}),
    )
    .await;
    let res = put(&app, &bob, &json!({"purpose": "Mine now"})).await;
    assert_eq!(res.status(), 403);
    let res = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/communities/secguild/charter",
            None,
            Some(json!({"purpose": "x"}).to_string()),
        )
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(app.count("charter_versions").await, 0);
}
