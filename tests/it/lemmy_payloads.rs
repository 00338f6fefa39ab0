//! Lemmy's real payloads (from the shared fixtures), re-addressed to our
//! test hosts and delivered signed: a Lemmy user joins, posts a `Page`,
//! and upvotes.

use crate::{
    common::{TestApp, eventually},
    mastodon::FakeMastodon,
};
use serde_json::{Value, json};

/// Loads a Lemmy fixture and re-addresses it: the Lemmy user becomes our
/// signing peer, the Lemmy community becomes `group`.
fn lemmy(file: &str, peer: &FakeMastodon, group: &str) -> Value {
    let raw = crate::fixtures::load::<Value>(file)
        .expect("Lemmy fixture")
        .to_string();
    let peer_base = peer.actor.trim_end_matches("/users/mona");
    let text = raw
        .replace("http://ds9.lemmy.ml/u/lemmy_alpha", &peer.actor)
        .replace("https://enterprise.lemmy.ml/c/main", group)
        .replace("http://enterprise.lemmy.ml/c/main", group)
        .replace("https://ds9.lemmy.ml/c/testcom", group)
        .replace("http://ds9.lemmy.ml", peer_base);
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn a_lemmy_user_follows_posts_a_page_and_upvotes() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha
        .post(
            "/api/v1/communities",
            Some(&alice),
            &json!({"name": "secguild"}),
        )
        .await;
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{}/inbox", alpha.base);
    let peer = FakeMastodon::start().await;

    let mut follow = lemmy("lemmy/activities/following/follow.json", &peer, &group);
    follow["actor"] = json!(peer.actor);
    follow["object"] = json!(group);
    follow["id"] = json!(format!("{}/activities/follow/1", peer.actor));
    assert_eq!(peer.deliver(&inbox, &follow).await, 202);
    let accept = eventually("the Accept arrives", || async {
        peer.received("Accept").pop()
    })
    .await;
    assert_eq!(accept.body["object"]["id"], follow["id"]);

    let create = lemmy(
        "lemmy/activities/create_or_update/create_page.json",
        &peer,
        &group,
    );
    assert_eq!(create["object"]["audience"], group);
    assert_eq!(peer.deliver(&inbox, &create).await, 202);
    let post = eventually("the Page becomes a post", || async {
        let (_, posts) = alpha
            .get_json("/api/v1/communities/secguild/posts", "application/json")
            .await;
        posts["items"].as_array()?.first().cloned()
    })
    .await;
    assert_eq!(post["title"], "test post");
    assert_eq!(post["content"], "<p>test body</p>\n");
    assert_eq!(post["ap_id"], create["object"]["id"]);

    let mut like = lemmy("lemmy/activities/voting/like_note.json", &peer, &group);
    like["object"] = create["object"]["id"].clone();
    assert_eq!(peer.deliver(&inbox, &like).await, 202);
    eventually("the upvote counts", || async {
        let (_, p) = alpha
            .get_json(&format!("/api/v1/posts/{}", post["id"]), "application/json")
            .await;
        (p["likes"] == 1).then_some(())
    })
    .await;
}
