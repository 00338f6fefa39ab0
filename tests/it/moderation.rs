//! Moderation that federates: removals, locks and bans made on the
//! community's instance reach the copies on other instances, and the
//! moderation log records them.

use crate::common::{MemberPair, eventually};
use serde_json::{Value, json};

#[tokio::test]
async fn removals_locks_and_bans_federate_and_are_logged() {
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
            &json!({"title": "Rules", "content": "Be kind"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let on_beta = eventually("the post reaches beta", || async {
        let (_, posts) = beta
            .api_get(&format!("/api/v1/communities/{handle}/posts"), &bob)
            .await;
        posts["items"].as_array()?.first().cloned()
    })
    .await;
    let beta_post = on_beta["id"].as_i64().unwrap();
    let res = beta
        .post(
            &format!("/api/v1/posts/{beta_post}/replies"),
            Some(&bob),
            &json!({"content": "Spam spam"}),
        )
        .await;
    let bob_reply: Value = res.json().await.unwrap();
    let reply_on_alpha = eventually("bob's reply reaches alpha", || async {
        let (_, r) = alpha
            .get_json(
                &format!("/api/v1/posts/{}/replies", post["id"]),
                "application/json",
            )
            .await;
        r["items"].as_array()?.first().cloned()
    })
    .await;

    // Only moderators moderate.
    let res = beta
        .post(
            &format!("/api/v1/posts/{}/remove", bob_reply["id"]),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 403);

    // Removal reaches beta's copy.
    let res = alpha
        .post(
            &format!("/api/v1/posts/{}/remove", reply_on_alpha["id"]),
            Some(&alice),
            &json!({"reason": "spam"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    eventually("the reply is removed on beta", || async {
        let (status, _) = beta
            .api_get(&format!("/api/v1/posts/{}", bob_reply["id"]), &bob)
            .await;
        (status == 404).then_some(())
    })
    .await;

    // A lock reaches beta: replies there are refused.
    let res = alpha
        .post(
            &format!("/api/v1/posts/{}/lock", post["id"]),
            Some(&alice),
            &json!({"reason": "cool down"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    eventually("the thread is locked on beta", || async {
        let (_, p) = beta
            .api_get(&format!("/api/v1/posts/{beta_post}"), &bob)
            .await;
        (p["locked"] == true).then_some(())
    })
    .await;
    let res = beta
        .post(
            &format!("/api/v1/posts/{beta_post}/replies"),
            Some(&bob),
            &json!({"content": "More"}),
        )
        .await;
    assert_eq!(res.status(), 403);

    // A ban ends bob's membership and is known on beta.
    let res = alpha
        .post(
            "/api/v1/communities/secguild/bans",
            Some(&alice),
            &json!({"person": format!("bob@{}", beta.domain), "reason": "spam"}),
        )
        .await;
    assert_eq!(res.status(), 204, "{:?}", res.text().await);
    let (_, community) = alpha
        .get_json("/api/v1/communities/secguild", "application/json")
        .await;
    assert_eq!(community["followers"], 0);
    eventually("beta knows bob is banned", || async {
        let res = beta
            .post(
                &format!("/api/v1/communities/{handle}/posts"),
                Some(&bob),
                &json!({"content": "hello?"}),
            )
            .await;
        (res.status() == 403).then_some(())
    })
    .await;

    let (_, log) = alpha
        .get_json("/api/v1/communities/secguild/modlog", "application/json")
        .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["ban", "lock_post", "remove_post"]);
    assert_eq!(log["items"][2]["reason"], "spam");
    assert_eq!(log["items"][2]["moderator"], "alice");
}
