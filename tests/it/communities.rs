//! Communities over the API: create, read, list, update; names; moderators.

use crate::common::{TestApp, sample_charter};
use serde_json::{Value, json};

#[tokio::test]
async fn a_created_community_is_listed_and_readable_with_its_charter() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    let res = app
        .post(
            "/api/v1/communities",
            Some(&token),
            &json!({"name": "secguild", "title": "Security Guild", "summary": "We *share*.", "charter": sample_charter()}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["name"], "secguild");
    assert_eq!(created["ap_id"], format!("{}/c/secguild", app.base));
    assert_eq!(created["moderators"], json!(["alice"]));
    assert_eq!(created["visibility"], "public");
    assert_eq!(created["charter_version"], 1);
    assert_eq!(created["charter"]["purpose"], sample_charter()["purpose"]);

    let (status, one) = app
        .get_json("/api/v1/communities/secguild", "application/json")
        .await;
    assert_eq!(status, 200);
    assert_eq!(one["title"], "Security Guild");
    assert_eq!(one["charter"]["practices"][0]["where"], "Room 4");

    let (_, list) = app
        .get_json("/api/v1/communities", "application/json")
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["next"], Value::Null);
}

#[tokio::test]
async fn listing_pages_by_name_and_hides_unlisted_communities() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    for name in ["alpha", "bravo", "charlie"] {
        app.post("/api/v1/communities", Some(&token), &json!({"name": name}))
            .await;
    }
    app.post(
        "/api/v1/communities",
        Some(&token),
        &json!({"name": "hidden", "visibility": "unlisted"}),
    )
    .await;
    let (_, page) = app
        .get_json("/api/v1/communities?limit=2", "application/json")
        .await;
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "bravo"]);
    assert_eq!(page["next"], "bravo");
    let (_, rest) = app
        .get_json(
            "/api/v1/communities?limit=2&after=bravo",
            "application/json",
        )
        .await;
    let names: Vec<&str> = rest["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["charlie"],
        "unlisted communities stay out of the public list"
    );
}

#[tokio::test]
async fn only_moderators_and_admins_may_change_a_community() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    let bob = app.user("bob", false).await;
    let root = app.user("root", true).await;
    app.post(
        "/api/v1/communities",
        Some(&alice),
        &json!({"name": "secguild"}),
    )
    .await;

    let patch = |token: String, body: Value| {
        let app = &app;
        async move {
            app.send(
                reqwest::Method::PATCH,
                "/api/v1/communities/secguild",
                Some(&token),
                Some(body.to_string()),
            )
            .await
        }
    };
    let res = patch(bob.clone(), json!({"title": "Hijacked"})).await;
    assert_eq!(res.status(), 403);
    let res = patch(alice.clone(), json!({"title": "Security Guild", "visibility": "approval_required", "posting_policy": "moderators"})).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["title"], "Security Guild");
    assert_eq!(body["visibility"], "approval_required");
    assert_eq!(body["posting_policy"], "moderators");
    let res = patch(root, json!({"summary": "Admins can help"})).await;
    assert_eq!(res.status(), 200);
    let res = patch(alice, json!({"visibility": "secret"})).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["field"], "visibility");
}

#[tokio::test]
async fn people_and_communities_share_one_namespace() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    let res = app
        .post(
            "/api/v1/communities",
            Some(&token),
            &json!({"name": "alice"}),
        )
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(app.count("communities").await, 0);
}

#[tokio::test]
async fn an_unknown_community_is_404_in_json() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .get_json("/api/v1/communities/nothing", "application/json")
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "not_found");
}
