//! Two real instances, `alpha.test` and `beta.test`, on their own databases,
//! federating over HTTP with real signatures.

use crate::common::{TestApp, eventually};
use serde_json::{Value, json};

#[tokio::test]
async fn a_member_on_another_instance_follows_reads_replies_and_likes() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let alice = alpha.user("alice", false).await;
    let bob = beta.user("bob", false).await;
    let res = alpha
        .post(
            "/api/v1/communities",
            Some(&alice),
            &json!({"name": "secguild", "title": "Security Guild"}),
        )
        .await;
    assert_eq!(res.status(), 201);

    // Bob on beta follows the community on alpha.
    let handle = format!("secguild@{}", alpha.domain);
    let res = beta
        .post(
            &format!("/api/v1/communities/{handle}/follow"),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    eventually("beta sees the follow accepted", || async {
        let (_, c) = beta
            .api_get(&format!("/api/v1/communities/{handle}"), &bob)
            .await;
        (c["follow_state"] == "accepted").then_some(())
    })
    .await;
    let (_, on_alpha) = alpha
        .get_json("/api/v1/communities/secguild", "application/json")
        .await;
    assert_eq!(on_alpha["followers"], 1);

    // Alice posts on alpha; the post reaches beta.
    let res = alpha
        .post(
            "/api/v1/communities/secguild/posts",
            Some(&alice),
            &json!({"title": "Threat modelling 101", "content": "Bring a **design**."}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let post: Value = res.json().await.unwrap();
    let post_ap_id = post["ap_id"].as_str().unwrap().to_string();
    let on_beta = eventually("the post arrives on beta", || async {
        let (_, posts) = beta
            .api_get(&format!("/api/v1/communities/{handle}/posts"), &bob)
            .await;
        posts["items"].as_array().and_then(|items| {
            items
                .iter()
                .find(|p| p["ap_id"] == post_ap_id.as_str())
                .cloned()
        })
    })
    .await;
    assert_eq!(on_beta["title"], "Threat modelling 101");
    assert!(
        on_beta["content"]
            .as_str()
            .unwrap()
            .contains("<strong>design</strong>")
    );
    assert_eq!(on_beta["author"], format!("alice@alpha.test"));
    let beta_post_id = on_beta["id"].as_i64().unwrap();

    // Alice replies on alpha; the reply reaches beta.
    let res = alpha
        .post(
            &format!("/api/v1/posts/{}/replies", post["id"]),
            Some(&alice),
            &json!({"content": "Slides are up."}),
        )
        .await;
    assert_eq!(res.status(), 201);
    eventually("alpha's reply arrives on beta", || async {
        let (_, replies) = beta
            .api_get(&format!("/api/v1/posts/{beta_post_id}/replies"), &bob)
            .await;
        replies["items"].as_array().and_then(|r| {
            r.iter()
                .find(|p| p["content"].as_str().unwrap_or("").contains("Slides"))
                .cloned()
        })
    })
    .await;

    // Bob replies from beta; alpha shows it.
    let res = beta
        .post(
            &format!("/api/v1/posts/{beta_post_id}/replies"),
            Some(&bob),
            &json!({"content": "Count me in."}),
        )
        .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let reply = eventually("beta's reply arrives on alpha", || async {
        let (_, replies) = alpha
            .get_json(
                &format!("/api/v1/posts/{}/replies", post["id"]),
                "application/json",
            )
            .await;
        replies["items"].as_array().and_then(|r| {
            r.iter()
                .find(|p| p["content"].as_str().unwrap_or("").contains("Count me in"))
                .cloned()
        })
    })
    .await;
    assert_eq!(reply["author"], "bob@beta.test");

    // Bob likes the post from beta; alpha counts it.
    let res = beta
        .post(
            &format!("/api/v1/posts/{beta_post_id}/like"),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    eventually("the like counts on alpha", || async {
        let (_, p) = alpha
            .get_json(&format!("/api/v1/posts/{}", post["id"]), "application/json")
            .await;
        (p["likes"] == 1).then_some(())
    })
    .await;
}
