//! Lemmy's real payloads (from the shared fixtures), re-addressed to our
//! test hosts and delivered signed: a Lemmy user joins, posts a `Page`,
//! and upvotes.

use crate::{common::TestApp, mastodon::FakeMastodon};
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
    alpha.community(&alice, "secguild").await;
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{}/inbox", alpha.base);
    let peer = FakeMastodon::start().await;

    let mut follow = lemmy("lemmy/activities/following/follow.json", &peer, &group);
    follow["actor"] = json!(peer.actor);
    follow["object"] = json!(group);
    follow["id"] = json!(format!("{}/activities/follow/1", peer.actor));
    assert_eq!(peer.deliver(&inbox, &follow).await, 202);
    alpha.settle().await;
    let accept = peer.received("Accept").pop().expect("the Accept arrives");
    assert_eq!(accept.body["object"]["id"], follow["id"]);

    let create = lemmy(
        "lemmy/activities/create_or_update/create_page.json",
        &peer,
        &group,
    );
    assert_eq!(create["object"]["audience"], group);
    assert_eq!(peer.deliver(&inbox, &create).await, 202);
    alpha.settle().await;
    let anonymous = alpha.anonymous();
    let posts = anonymous.posts("secguild").await.unwrap().items;
    let post = posts.first().expect("the Page becomes a post");
    assert_eq!(post.title.as_deref(), Some("test post"));
    assert_eq!(post.content, "<p>test body</p>\n");
    assert_eq!(post.ap_id, create["object"]["id"]);

    let mut like = lemmy("lemmy/activities/voting/like_note.json", &peer, &group);
    like["object"] = create["object"]["id"].clone();
    assert_eq!(peer.deliver(&inbox, &like).await, 202);
    alpha.settle().await;
    let liked = anonymous.post(post.id).await.unwrap();
    assert_eq!(liked.likes, 1, "the upvote counts");
}

#[tokio::test]
async fn a_lemmy_downvote_withdraws_the_like_and_an_authors_restore_undoes_only_their_delete() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{}/inbox", alpha.base);
    let peer = FakeMastodon::start().await;

    let mut follow = lemmy("lemmy/activities/following/follow.json", &peer, &group);
    follow["actor"] = json!(peer.actor);
    follow["object"] = json!(group);
    follow["id"] = json!(format!("{}/activities/follow/1", peer.actor));
    assert_eq!(peer.deliver(&inbox, &follow).await, 202);
    let create = lemmy(
        "lemmy/activities/create_or_update/create_page.json",
        &peer,
        &group,
    );
    assert_eq!(peer.deliver(&inbox, &create).await, 202);
    let post_ap_id = create["object"]["id"].clone();
    let mut like = lemmy("lemmy/activities/voting/like_note.json", &peer, &group);
    like["object"] = post_ap_id.clone();
    assert_eq!(peer.deliver(&inbox, &like).await, 202);
    alpha.settle().await;
    assert_eq!(alpha.count("post_likes").await, 1);

    // Lemmy turns the upvote into a downvote with a bare Dislike.
    let mut dislike = lemmy("lemmy/activities/voting/dislike_page.json", &peer, &group);
    dislike["actor"] = json!(peer.actor);
    dislike["object"] = post_ap_id.clone();
    dislike["id"] = json!(format!("{}/activities/dislike/1", peer.actor));
    assert_eq!(peer.deliver(&inbox, &dislike).await, 202);
    alpha.settle().await;
    assert_eq!(alpha.count("post_likes").await, 0, "the like is withdrawn");
    assert_eq!(
        alpha
            .count("incoming_activities WHERE error IS NOT NULL")
            .await,
        0,
        "nothing was refused"
    );

    // The author deletes the post, a moderator also removes it, and the
    // author restores their own deletion: it undoes only the deletion.
    let mut delete = lemmy("lemmy/activities/deletion/delete_page.json", &peer, &group);
    delete["object"] = post_ap_id.clone();
    assert_eq!(peer.deliver(&inbox, &delete).await, 202);
    alpha.settle().await;
    assert_eq!(alpha.count("posts WHERE deleted").await, 1);
    let anonymous = alpha.anonymous();
    let log_before = anonymous.modlog("secguild").await.unwrap().items.len();
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    use diesel_async::{AsyncConnection, RunQueryDsl};
    let mut conn = diesel_async::AsyncPgConnection::establish(&alpha.db.url)
        .await
        .unwrap();
    let row: Id = diesel::sql_query("SELECT id FROM posts LIMIT 1")
        .get_result(&mut conn)
        .await
        .unwrap();
    alpha
        .api(&alice)
        .moderate(row.id, "remove", Some("off topic"))
        .await
        .unwrap();
    let mut undo = lemmy(
        "lemmy/activities/deletion/undo_delete_page.json",
        &peer,
        &group,
    );
    undo["object"]["object"] = post_ap_id.clone();
    assert_eq!(peer.deliver(&inbox, &undo).await, 202);
    alpha.settle().await;
    assert_eq!(alpha.count("posts WHERE deleted").await, 0, "restored");
    assert_eq!(
        alpha.count("posts WHERE removed").await,
        1,
        "the moderator's removal stays"
    );
    let log = anonymous.modlog("secguild").await.unwrap().items;
    assert_eq!(
        log.len(),
        log_before + 1,
        "only the moderator's removal is logged: {log:?}"
    );
}
