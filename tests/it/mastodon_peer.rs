//! A Mastodon-shaped peer follows a community, receives the boosts of new
//! posts, fetches them with signed GETs, and posts into the community by
//! mentioning it; what Mastodon must not publish is refused.

use crate::{
    client::titled,
    common::{TestApp, settle},
    mastodon::FakeMastodon,
};
use serde_json::{Value, json};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The captured Mastodon `Create{Note}`, re-addressed: by mona, mentioning the group.
pub(crate) fn mention_toot(mona: &FakeMastodon, group: &str, n: u32, public: bool) -> Value {
    let mut create =
        crate::fixtures::load::<Value>("mastodon/activities/create_note.json").expect("fixture");
    let note_id = format!("{}/statuses/{n}", mona.actor);
    let (to, cc) = if public {
        (
            json!([PUBLIC]),
            json!([format!("{}/followers", mona.actor), group]),
        )
    } else {
        (json!([format!("{}/followers", mona.actor)]), json!([group]))
    };
    create["id"] = json!(format!("{note_id}/activity"));
    create["actor"] = json!(mona.actor);
    create["to"] = to.clone();
    create["cc"] = cc.clone();
    let note = &mut create["object"];
    note["id"] = json!(note_id);
    note["url"] = json!(note_id);
    note["attributedTo"] = json!(mona.actor);
    note["inReplyTo"] = Value::Null;
    note["to"] = to;
    note["cc"] = cc;
    note["content"] = json!(format!(
        "<p><span class=\"h-card\"><a href=\"{group}\" class=\"u-url mention\">@<span>secguild</span></a></span> Patch Tuesday recap {n}</p><p>Details follow.</p>"
    ));
    note["contentMap"] = json!({});
    note["tag"] = json!([{"type": "Mention", "href": group, "name": "@secguild@alpha.test"}]);
    create
}

#[tokio::test]
async fn a_mastodon_follower_gets_boosts_fetches_signed_and_posts_by_mention() {
    let alpha = TestApp::spawn_named_with("alpha", |s| s.authorized_fetch = true).await;
    let beta = TestApp::spawn_named("beta").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let alice = alpha.api(&alice);
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{group}/inbox");
    let mona = FakeMastodon::start().await;

    // Beta's bob is another follower, to see mona's post announced onwards.
    let bob = beta.api(&beta.user("bob", false).await);
    let handle = format!("secguild@{}", alpha.domain);
    bob.follow(&handle).await.unwrap();

    // Follow (the captured Mastodon Follow, re-addressed) → a signed Accept embedding it by URLs.
    let mut follow =
        crate::fixtures::load::<Value>("mastodon/activities/follow.json").expect("fixture");
    follow["id"] = json!(format!("{}#follows/1", mona.actor));
    follow["actor"] = json!(mona.actor);
    follow["object"] = json!(group);
    assert_eq!(mona.deliver(&inbox, &follow).await, 202);
    settle(&[&alpha, &beta]).await;
    let accept = mona
        .received("Accept")
        .pop()
        .expect("mona receives the Accept");
    assert_eq!(accept.verified, Ok(()), "the Accept is signed by the group");
    assert_eq!(accept.body["actor"], group);
    assert_eq!(
        accept.body["object"],
        json!({"id": follow["id"], "type": "Follow", "actor": mona.actor, "object": group})
    );

    // A new post → Announce of the bare object, signed by the group.
    let post = alice
        .create_post("secguild", &titled("Patch notes", "All **patched**."))
        .await
        .unwrap();
    settle(&[&alpha, &beta]).await;
    let announce = mona
        .received("Announce")
        .pop()
        .expect("mona receives the boost");
    assert_eq!(announce.verified, Ok(()));
    assert_eq!(announce.body["actor"], group);
    assert_eq!(
        announce.body["object"], post.ap_id,
        "Mastodon gets the bare object id"
    );
    assert!(
        announce.body["to"]
            .as_array()
            .unwrap()
            .contains(&json!(PUBLIC))
    );

    // Authorized fetch: a signed GET gets the post; an unsigned one is refused.
    let (status, object) = mona.fetch(&post.ap_id, true).await;
    assert_eq!(status, 200);
    assert_eq!(object["id"], post.ap_id);
    assert_eq!(object["type"], "Page");
    assert_eq!(object["name"], "Patch notes");
    assert_eq!(object["summary"], "All patched.");
    assert_eq!(object["audience"], group);
    assert!(
        object["tag"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["type"] == "Mention" && t["href"] == group)
    );
    assert_eq!(mona.fetch(&post.ap_id, false).await.0, 401);

    // A public mention toot becomes a post, titled by its first line, and is announced on.
    assert_eq!(
        mona.deliver(
            &format!("{}/inbox", alpha.base),
            &mention_toot(&mona, &group, 1, true)
        )
        .await,
        202
    );
    settle(&[&alpha, &beta]).await;
    let posts = alpha.anonymous().posts("secguild").await.unwrap().items;
    let from_mona = posts
        .iter()
        .find(|p| p.author.starts_with("mona@"))
        .expect("the toot becomes a post");
    assert_eq!(
        from_mona.title.as_deref(),
        Some("Patch Tuesday recap 1"),
        "the leading mention is not the title"
    );
    let on_beta = bob.posts(&handle).await.unwrap().items;
    assert!(
        on_beta.iter().any(|p| p.ap_id == from_mona.ap_id),
        "bob on beta sees mona's post"
    );

    // A followers-only toot is refused (stored as received, never published).
    assert_eq!(
        mona.deliver(&inbox, &mention_toot(&mona, &group, 2, false))
            .await,
        202
    );
    settle(&[&alpha, &beta]).await;
    assert_eq!(
        alpha
            .count("incoming_activities WHERE processed_at IS NULL")
            .await,
        0,
        "the private toot is processed"
    );
    assert_eq!(alpha.count("posts WHERE content LIKE '%recap 2%'").await, 0);
    assert_eq!(
        alpha
            .count("incoming_activities WHERE error LIKE '%followers-only%'")
            .await,
        1
    );

    // A reply on alpha is not boosted to Mastodon timelines.
    let boosts = mona.received("Announce").len();
    alice.reply(post.id, "a reply").await.unwrap();
    settle(&[&alpha, &beta]).await;
    assert_eq!(
        alpha.count("deliveries").await,
        0,
        "the reply is distributed"
    );
    assert_eq!(
        mona.received("Announce").len(),
        boosts,
        "replies are not boosted"
    );

    // A toot answering our post becomes a reply, though it does not address the community.
    let mut answer = mention_toot(&mona, &group, 3, true);
    answer["cc"] = json!([format!("{}/followers", mona.actor)]);
    answer["object"]["cc"] = answer["cc"].clone();
    answer["object"]["tag"] = json!([]);
    answer["object"]["inReplyTo"] = json!(post.ap_id);
    assert_eq!(
        mona.deliver(&format!("{}/inbox", alpha.base), &answer)
            .await,
        202
    );
    settle(&[&alpha, &beta]).await;
    let replies = alpha.anonymous().replies(post.id).await.unwrap().items;
    assert!(
        replies.iter().any(|p| p.author.starts_with("mona@")),
        "the toot becomes a reply"
    );

    // A Mastodon favourite counts as a like.
    let like = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}#likes/1", mona.actor), "type": "Like", "actor": mona.actor, "object": post.ap_id});
    assert_eq!(mona.deliver(&inbox, &like).await, 202);
    settle(&[&alpha, &beta]).await;
    let liked = alpha.anonymous().post(post.id).await.unwrap();
    assert_eq!(liked.likes, 1, "the like counts");
}
