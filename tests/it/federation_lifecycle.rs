//! The life of memberships and posts across instances: approval-required
//! communities, leaving, edits, deletions and tombstones.

use crate::common::{MemberPair, TestApp, eventually};
use serde_json::{Value, json};

async fn state_on(app: &TestApp, token: &str, handle: &str) -> String {
    let (_, c) = app
        .api_get(&format!("/api/v1/communities/{handle}"), token)
        .await;
    c["follow_state"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn approval_required_communities_hold_follows_until_a_moderator_decides() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let alice = alpha.user("alice", false).await;
    let (bob, carol) = (
        beta.user("bob", false).await,
        beta.user("carol", false).await,
    );
    alpha
        .post(
            "/api/v1/communities",
            Some(&alice),
            &json!({"name": "secguild", "visibility": "approval_required"}),
        )
        .await;
    let handle = format!("secguild@{}", alpha.domain);
    for token in [&bob, &carol] {
        let res = beta
            .post(
                &format!("/api/v1/communities/{handle}/follow"),
                Some(token),
                &json!({}),
            )
            .await;
        assert_eq!(
            res.json::<Value>().await.unwrap()["follow_state"],
            "pending"
        );
    }
    let pending = eventually("both requests wait on alpha", || async {
        let (_, p) = alpha
            .api_get("/api/v1/communities/secguild/followers/pending", &alice)
            .await;
        let items = p["items"].as_array()?.clone();
        (items.len() == 2).then_some(items)
    })
    .await;
    let actor = |name: &str| format!("{}/u/{name}", beta.base);
    assert!(pending.iter().any(|p| p["actor"] == actor("bob")));
    let res = alpha
        .post(
            "/api/v1/communities/secguild/followers/approve",
            Some(&alice),
            &json!({"actor": actor("bob")}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let res = alpha
        .post(
            "/api/v1/communities/secguild/followers/reject",
            Some(&alice),
            &json!({"actor": actor("carol")}),
        )
        .await;
    assert_eq!(res.status(), 204);
    eventually("bob is accepted", || async {
        (state_on(&beta, &bob, &handle).await == "accepted").then_some(())
    })
    .await;
    eventually("carol is refused", || async {
        (state_on(&beta, &carol, &handle).await == "none").then_some(())
    })
    .await;
    let (_, c) = alpha
        .get_json("/api/v1/communities/secguild", "application/json")
        .await;
    assert_eq!(c["followers"], 1);
}

#[tokio::test]
async fn edits_and_deletions_reach_followers_and_deleted_posts_are_tombstones() {
    let MemberPair {
        alpha,
        beta,
        alice,
        bob,
        handle,
    } = MemberPair::start().await;

    let post: Value = alpha
        .post(
            "/api/v1/communities/secguild/posts",
            Some(&alice),
            &json!({"title": "Draft", "content": "v1"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let copy = eventually("the post reaches beta", || async {
        let (_, posts) = beta
            .api_get(&format!("/api/v1/communities/{handle}/posts"), &bob)
            .await;
        posts["items"].as_array()?.first().cloned()
    })
    .await;
    let res = alpha
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/posts/{}", post["id"]),
            Some(&alice),
            Some(json!({"title": "Final", "content": "v2"}).to_string()),
        )
        .await;
    assert_eq!(res.status(), 200);
    eventually("the edit reaches beta", || async {
        let (_, p) = beta
            .api_get(&format!("/api/v1/posts/{}", copy["id"]), &bob)
            .await;
        (p["title"] == "Final" && p["content"].as_str()?.contains("v2")).then_some(())
    })
    .await;
    let res = beta
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/posts/{}", copy["id"]),
            Some(&bob),
            Some(json!({"content": "hijack"}).to_string()),
        )
        .await;
    assert_eq!(res.status(), 403, "only the author edits");

    let res = alpha
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/posts/{}", post["id"]),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    eventually("the deletion reaches beta", || async {
        let (status, _) = beta
            .api_get(&format!("/api/v1/posts/{}", copy["id"]), &bob)
            .await;
        (status == 404).then_some(())
    })
    .await;
    let res = alpha
        .client
        .get(alpha.url(&format!("/p/{}", post["id"])))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 410);
    let tombstone: Value = res.json().await.unwrap();
    assert_eq!(tombstone["type"], "Tombstone");
    assert_eq!(tombstone["id"], post["ap_id"]);

    // Leaving: bob's instance gets nothing more.
    let res = beta
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/communities/{handle}/follow"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    eventually("alpha forgets the follower", || async {
        let (_, c) = alpha
            .get_json("/api/v1/communities/secguild", "application/json")
            .await;
        (c["followers"] == 0).then_some(())
    })
    .await;
    alpha
        .post(
            "/api/v1/communities/secguild/posts",
            Some(&alice),
            &json!({"content": "after bob left"}),
        )
        .await;
    assert_eq!(
        alpha.count("deliveries").await,
        0,
        "nothing is queued for beta"
    );
    assert_eq!(
        alpha
            .count("outgoing_activities WHERE body LIKE '%after bob left%'")
            .await,
        0,
        "no one to announce to"
    );
}
