//! FEP-1b12's trust rules against a hostile group: a group that alice on
//! alpha merely asked to follow announces forgeries about her posts and
//! her community. Alpha and the hostile server talk over real HTTP with
//! real signatures; nothing forged changes anything.

use crate::{
    client::titled,
    common::{TestApp, eventually},
    fake_peer::FakePeer,
};
use guildhall::api::posts::PostResponse;
use serde_json::{Value, json};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// alpha with alice's community `secguild` and two posts of hers, and a
/// hostile server `evil` whose group `hostile` alice asked to follow.
struct Scene {
    alpha: TestApp,
    evil: FakePeer,
    group: String,
    mallory: String,
    alice_actor: String,
    posts: Vec<PostResponse>,
}

async fn scene() -> Scene {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let mut posts = Vec::new();
    for n in 1..=2 {
        let post = alpha
            .api(&alice)
            .create_post(
                "secguild",
                &titled(&format!("Post {n}"), &format!("Original text {n}")),
            )
            .await
            .unwrap();
        posts.push(post);
    }
    let evil = FakePeer::start("evil", "lemmy").await;
    let group = evil.actor("c/hostile", "Group");
    let mallory = evil.actor("u/mallory", "Person");
    let host = evil.base.trim_start_matches("http://").to_string();
    evil.put_as(
        "/.well-known/webfinger",
        &json!({"subject": format!("acct:hostile@{host}"),
                "links": [{"rel": "self", "type": "application/activity+json", "href": group}]}),
        "application/jrd+json",
    );
    alpha
        .api(&alice)
        .follow(&format!("hostile@{host}"))
        .await
        .unwrap();
    alpha.settle().await;
    assert!(
        !evil.received("Follow").is_empty(),
        "alpha asks the hostile group to follow"
    );
    Scene {
        alice_actor: format!("{}/u/alice", alpha.base),
        alpha,
        evil,
        group,
        mallory,
        posts,
    }
}

impl Scene {
    /// The hostile group announces `inner` to alpha's shared inbox.
    async fn announce(&self, n: u32, inner: Value) -> u16 {
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/announce/{n}", self.evil.base),
            "type": "Announce", "actor": self.group,
            "to": [PUBLIC], "cc": [format!("{}/followers", self.group)],
            "object": inner
        });
        self.evil
            .deliver(
                &self.group,
                &format!("{}/inbox", self.alpha.base),
                &activity,
            )
            .await
    }
}

#[tokio::test]
async fn a_hostile_group_cannot_edit_delete_or_create_posts_of_our_people_or_communities() {
    let s = scene().await;
    let community = format!("{}/c/secguild", s.alpha.base);
    let post1 = s.posts[0].ap_id.clone();
    let post2 = s.posts[1].ap_id.clone();
    let deliveries_before = s.alpha.count("deliveries").await;

    let forgeries = [
        // An edit of alice's post, as alice.
        json!({"id": format!("{post1}#forged-update"), "type": "Update", "actor": s.alice_actor,
               "to": [PUBLIC], "cc": [s.group],
               "object": {"id": post1, "type": "Page", "attributedTo": s.alice_actor, "name": "PWNED",
                          "content": "<p>PWNED</p>", "to": [PUBLIC], "cc": [s.group]}}),
        // A deletion of her other post, as alice.
        json!({"id": format!("{post2}#forged-delete"), "type": "Delete", "actor": s.alice_actor,
               "to": [PUBLIC], "object": post2}),
        // A post as alice, into her own community.
        json!({"id": format!("{}/activities/create/forged", s.alpha.base), "type": "Create", "actor": s.alice_actor,
               "to": [PUBLIC], "cc": [community],
               "object": {"id": format!("{}/p/999999", s.alpha.base), "type": "Page", "attributedTo": s.alice_actor,
                          "name": "Forged", "content": "<p>forged</p>", "to": [PUBLIC], "cc": [community], "audience": community}}),
        // A post by the group's own member, addressed to alice's community.
        json!({"id": format!("{}/activities/create/1", s.evil.base), "type": "Create", "actor": s.mallory,
               "to": [PUBLIC], "cc": [community],
               "object": {"id": format!("{}/notes/1", s.evil.base), "type": "Page", "attributedTo": s.mallory,
                          "name": "Smuggled", "content": "<p>smuggled</p>", "to": [PUBLIC], "cc": [community], "audience": community}}),
        // A reply of the group's member to alice's post (another community's thread).
        json!({"id": format!("{}/activities/create/2", s.evil.base), "type": "Create", "actor": s.mallory,
               "to": [PUBLIC], "cc": [s.group],
               "object": {"id": format!("{}/notes/2", s.evil.base), "type": "Note", "attributedTo": s.mallory,
                          "inReplyTo": post1, "content": "<p>hijack</p>", "to": [PUBLIC], "cc": [s.group], "audience": s.group}}),
        // A like of alice's post, as alice.
        json!({"id": format!("{}/u/alice#likes/forged", s.alpha.base), "type": "Like", "actor": s.alice_actor, "object": post1}),
    ];
    for (n, forgery) in forgeries.into_iter().enumerate() {
        assert_eq!(s.announce(n as u32, forgery).await, 202);
    }
    // A genuine post of the group's member, in the group, is taken (so the
    // announces above were processed and refused, not ignored).
    let genuine = json!({"id": format!("{}/activities/create/3", s.evil.base), "type": "Create", "actor": s.mallory,
        "to": [PUBLIC], "cc": [s.group],
        "object": {"id": format!("{}/notes/3", s.evil.base), "type": "Page", "attributedTo": s.mallory,
                   "name": "Genuine", "content": "<p>fine</p>", "to": [PUBLIC], "cc": [s.group], "audience": s.group}});
    assert_eq!(s.announce(99, genuine).await, 202);
    s.alpha.settle().await;

    let anonymous = s.alpha.anonymous();
    for (post, title, text) in [
        (&s.posts[0], "Post 1", "Original text 1"),
        (&s.posts[1], "Post 2", "Original text 2"),
    ] {
        let now = anonymous
            .post(post.id)
            .await
            .unwrap_or_else(|e| panic!("{title} is still there: {e:?}"));
        assert_eq!(now.title.as_deref(), Some(title));
        assert!(now.content.contains(text), "{}", now.content);
        assert_eq!(now.likes, 0);
    }
    let ours = anonymous.posts("secguild").await.unwrap().items;
    assert_eq!(
        ours.len(),
        2,
        "{:?}",
        ours.iter().map(|p| &p.title).collect::<Vec<_>>()
    );
    assert_eq!(
        s.alpha.count("deliveries").await,
        deliveries_before,
        "alpha's community passed nothing on"
    );
    let refused = s
        .alpha
        .count("incoming_activities WHERE processed_at IS NOT NULL AND error IS NOT NULL")
        .await;
    assert_eq!(refused, 6, "each forgery is refused with a reason");
    assert_eq!(
        s.alpha
            .count("posts WHERE title = 'Genuine' AND community_id <> (SELECT id FROM communities WHERE name = 'secguild' AND local)")
            .await,
        1
    );
}

#[tokio::test]
async fn a_member_post_announced_from_another_server_is_fetched_from_its_origin() {
    let s = scene().await;
    let origin = FakePeer::start("origin", "mastodon").await;
    let carol = origin.actor("users/carol", "Person");
    let note = |content: &str| {
        json!({"id": format!("{}/statuses/1", origin.base), "type": "Note", "attributedTo": carol,
               "content": content, "to": [PUBLIC], "cc": [s.group], "audience": s.group})
    };
    // The origin says one thing; the group's embedded copy another.
    origin.put("/statuses/1", &note("<p>what carol wrote</p>"));
    let create = json!({"id": format!("{}/statuses/1/activity", origin.base), "type": "Create", "actor": carol,
        "to": [PUBLIC], "cc": [s.group], "object": note("<p>what the group claims</p>")});
    assert_eq!(s.announce(1, create).await, 202);
    // A deletion of it that the origin does not confirm changes nothing.
    let delete = json!({"id": format!("{}/statuses/1#delete", origin.base), "type": "Delete", "actor": carol,
        "to": [PUBLIC], "object": format!("{}/statuses/1", origin.base)});
    assert_eq!(s.announce(2, delete.clone()).await, 202);
    s.alpha.settle().await;
    let stored = s
        .alpha
        .count("posts WHERE content LIKE '%what carol wrote%' AND NOT deleted")
        .await;
    assert_eq!(stored, 1, "the origin's text is stored, and not deleted");
    assert_eq!(
        s.alpha
            .count("posts WHERE content LIKE '%group claims%'")
            .await,
        0
    );
    // Once the origin has deleted it, the same deletion is taken.
    origin.gone("/statuses/1");
    let mut again = delete;
    again["id"] = json!(format!("{}/statuses/1#delete2", origin.base));
    assert_eq!(s.announce(3, again).await, 202);
    s.alpha.settle().await;
    assert_eq!(s.alpha.count("posts WHERE deleted").await, 1);
}

#[tokio::test]
async fn a_reply_whose_origin_is_down_is_processed_once_it_is_back() {
    let s = scene().await;
    let origin = FakePeer::start("origin", "mastodon").await;
    let carol = origin.actor("users/carol", "Person");
    let root = json!({"id": format!("{}/statuses/1", origin.base), "type": "Note", "attributedTo": carol,
        "content": "<p>the question</p>", "to": [PUBLIC], "cc": [s.group], "audience": s.group});
    let reply = json!({"id": format!("{}/statuses/2", origin.base), "type": "Note", "attributedTo": carol,
        "inReplyTo": root["id"], "content": "<p>the answer</p>", "to": [PUBLIC], "cc": [s.group], "audience": s.group});
    origin.put("/statuses/1", &root);
    origin.put("/statuses/2", &reply);
    origin.set_down(true);
    let create = json!({"id": format!("{}/statuses/2/activity", origin.base), "type": "Create", "actor": carol,
        "to": [PUBLIC], "cc": [s.group], "object": reply});
    assert_eq!(s.announce(1, create).await, 202);
    // Polled, not settled: the activity stays queued on purpose while its
    // origin is down; this waits for retries in progress.
    eventually("alpha has tried, and will try again", || async {
        (s.alpha
            .count("incoming_activities WHERE processed_at IS NULL AND attempts >= 3")
            .await
            == 1)
            .then_some(())
    })
    .await;
    assert_eq!(s.alpha.count("posts WHERE NOT local").await, 0);
    origin.set_down(false);
    s.alpha.settle().await;
    assert_eq!(
        s.alpha
            .count("incoming_activities WHERE error IS NULL AND dead_at IS NULL")
            .await,
        1
    );
    assert_eq!(
        s.alpha
            .count("posts WHERE content LIKE '%the answer%' AND parent_id IS NOT NULL")
            .await,
        1,
        "the reply, under its fetched parent"
    );
    assert_eq!(
        s.alpha
            .count("posts WHERE content LIKE '%the question%'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_edit_of_a_post_we_missed_brings_the_post_as_it_is_now() {
    let s = scene().await;
    let update = json!({"id": format!("{}/activities/update/7", s.evil.base), "type": "Update", "actor": s.mallory,
        "to": [PUBLIC], "cc": [s.group],
        "object": {"id": format!("{}/notes/7", s.evil.base), "type": "Page", "attributedTo": s.mallory,
                   "name": "Missed", "content": "<p>edited</p>", "to": [PUBLIC], "cc": [s.group], "audience": s.group}});
    assert_eq!(s.announce(1, update).await, 202);
    s.alpha.settle().await;
    assert_eq!(
        s.alpha
            .count("posts WHERE title = 'Missed' AND content LIKE '%edited%'")
            .await,
        1
    );
}
