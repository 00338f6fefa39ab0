//! Federation policy between real instances: a blocked instance gets
//! nothing and is heard from no more; allowlist mode federates with
//! partners only.

use crate::common::{TestApp, eventually};
use serde_json::{Value, json};

async fn follow(from: &TestApp, token: &str, to: &TestApp) -> reqwest::Response {
    from.post(
        &format!("/api/v1/communities/secguild@{}/follow", to.domain),
        Some(token),
        &json!({}),
    )
    .await
}

async fn follow_state(app: &TestApp, token: &str, of: &TestApp) -> String {
    let (_, c) = app
        .api_get(
            &format!("/api/v1/communities/secguild@{}", of.domain),
            token,
        )
        .await;
    c["follow_state"].as_str().unwrap_or_default().to_string()
}

async fn queue_drained(app: &TestApp, admin: &str) {
    eventually("the delivery queue drains", || async {
        let (_, state) = app.api_get("/api/v1/admin/federation", admin).await;
        (state["deliveries_pending"] == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_blocked_instance_cannot_follow_and_receives_nothing() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let root = alpha.user("root", true).await;
    let bob = beta.user("bob", false).await;
    alpha
        .post(
            "/api/v1/communities",
            Some(&root),
            &json!({"name": "secguild"}),
        )
        .await;

    // Bob follows while beta is welcome; then alpha blocks beta.
    follow(&beta, &bob, &alpha).await;
    eventually("bob's follow is accepted", || async {
        (follow_state(&beta, &bob, &alpha).await == "accepted").then_some(())
    })
    .await;
    let res = alpha
        .post(
            "/api/v1/admin/blocks",
            Some(&root),
            &json!({"domain": "BETA.test"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"domain": "beta.test", "policy": "blocked"})
    );

    // Nothing alpha publishes reaches beta.
    let res = alpha
        .post(
            "/api/v1/communities/secguild/posts",
            Some(&root),
            &json!({"title": "Internal", "content": "Not for beta"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    queue_drained(&alpha, &root).await;
    let (_, posts) = beta
        .api_get(
            &format!("/api/v1/communities/secguild@{}/posts", alpha.domain),
            &bob,
        )
        .await;
    assert_eq!(
        posts["items"],
        json!([]),
        "beta received a post from an instance that blocks it"
    );

    // A new follow from beta is refused at alpha's inbox.
    let carol = beta.user("carol", false).await;
    follow(&beta, &carol, &alpha).await;
    let (_, state) = alpha.api_get("/api/v1/admin/federation", &root).await;
    let beta_row = state["instances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["domain"] == "beta.test")
        .cloned()
        .unwrap();
    assert_eq!(beta_row["policy"], "blocked");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(follow_state(&beta, &carol, &alpha).await, "pending");
    let (_, community) = alpha
        .get_json("/api/v1/communities/secguild", "application/json")
        .await;
    assert_eq!(community["followers"], 1, "carol's follow was not stored");
    assert_eq!(
        alpha
            .count("incoming_activities WHERE actor LIKE '%carol%'")
            .await,
        0
    );

    // Non-admins cannot change policy.
    let res = alpha
        .post(
            "/api/v1/admin/blocks",
            Some(&bob),
            &json!({"domain": "x.test"}),
        )
        .await;
    assert_eq!(
        res.status(),
        401,
        "a token of another instance is unknown here"
    );
    let dave = alpha.user("dave", false).await;
    let res = alpha
        .post(
            "/api/v1/admin/blocks",
            Some(&dave),
            &json!({"domain": "x.test"}),
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn allowlist_mode_federates_with_partners_only() {
    let alpha = TestApp::spawn_named_with("alpha", |s| s.allowlist_only = true).await;
    let beta = TestApp::spawn_named("beta").await;
    let gamma = TestApp::spawn_named("gamma").await;
    let root = alpha.user("root", true).await;
    alpha
        .post(
            "/api/v1/communities",
            Some(&root),
            &json!({"name": "secguild"}),
        )
        .await;
    let res = alpha
        .post(
            "/api/v1/admin/partners",
            Some(&root),
            &json!({"domain": "beta.test"}),
        )
        .await;
    assert_eq!(res.status(), 200);

    let bob = beta.user("bob", false).await;
    let gil = gamma.user("gil", false).await;
    follow(&beta, &bob, &alpha).await;
    let res = follow(&gamma, &gil, &alpha).await;
    // Gamma may not even read alpha's WebFinger? It can: reads are public; the follow is refused.
    assert!(
        res.status().is_success() || res.status() == 404,
        "{}",
        res.status()
    );
    eventually("the partner's follow is accepted", || async {
        (follow_state(&beta, &bob, &alpha).await == "accepted").then_some(())
    })
    .await;

    let res = alpha
        .post(
            "/api/v1/communities/secguild/posts",
            Some(&root),
            &json!({"content": "Partners only"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    eventually("the post reaches the partner", || async {
        let (_, posts) = beta
            .api_get(
                &format!("/api/v1/communities/secguild@{}/posts", alpha.domain),
                &bob,
            )
            .await;
        (posts["items"].as_array().map_or(0, Vec::len) == 1).then_some(())
    })
    .await;
    queue_drained(&alpha, &root).await;
    let (_, community) = alpha
        .get_json("/api/v1/communities/secguild", "application/json")
        .await;
    assert_eq!(
        community["followers"], 1,
        "only the partner's member follows"
    );
    assert_ne!(follow_state(&gamma, &gil, &alpha).await, "accepted");
}
