//! A Mastodon-shaped peer follows a community, receives the boosts of new
//! posts, fetches them with signed GETs, and posts into the community by
//! mentioning it; what Mastodon must not publish is refused.

use crate::{
    common::{TestApp, eventually},
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
    alpha
        .post(
            "/api/v1/communities",
            Some(&alice),
            &json!({"name": "secguild"}),
        )
        .await;
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{group}/inbox");
    let mona = FakeMastodon::start().await;

    // Beta's bob is another follower, to see mona's post announced onwards.
    let bob = beta.user("bob", false).await;
    beta.post(
        &format!("/api/v1/communities/secguild@{}/follow", alpha.domain),
        Some(&bob),
        &json!({}),
    )
    .await;

    // Follow (the captured Mastodon Follow, re-addressed) → a signed Accept embedding it by URLs.
    let mut follow =
        crate::fixtures::load::<Value>("mastodon/activities/follow.json").expect("fixture");
    follow["id"] = json!(format!("{}#follows/1", mona.actor));
    follow["actor"] = json!(mona.actor);
    follow["object"] = json!(group);
    assert_eq!(mona.deliver(&inbox, &follow).await, 202);
    let accept = eventually("mona receives the Accept", || async {
        mona.received("Accept").pop()
    })
    .await;
    assert_eq!(accept.verified, Ok(()), "the Accept is signed by the group");
    assert_eq!(accept.body["actor"], group);
    assert_eq!(
        accept.body["object"],
        json!({"id": follow["id"], "type": "Follow", "actor": mona.actor, "object": group})
    );

    // A new post → Announce of the bare object, signed by the group.
    let res = alpha
        .post(
            "/api/v1/communities/secguild/posts",
            Some(&alice),
            &json!({"title": "Patch notes", "content": "All **patched**."}),
        )
        .await;
    let post: Value = res.json().await.unwrap();
    let announce = eventually("mona receives the boost", || async {
        mona.received("Announce").pop()
    })
    .await;
    assert_eq!(announce.verified, Ok(()));
    assert_eq!(announce.body["actor"], group);
    assert_eq!(
        announce.body["object"], post["ap_id"],
        "Mastodon gets the bare object id"
    );
    assert!(
        announce.body["to"]
            .as_array()
            .unwrap()
            .contains(&json!(PUBLIC))
    );

    // Authorized fetch: a signed GET gets the post; an unsigned one is refused.
    let (status, object) = mona.fetch(post["ap_id"].as_str().unwrap(), true).await;
    assert_eq!(status, 200);
    assert_eq!(object["id"], post["ap_id"]);
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
    assert_eq!(
        mona.fetch(post["ap_id"].as_str().unwrap(), false).await.0,
        401
    );

    // A public mention toot becomes a post, titled by its first line, and is announced on.
    assert_eq!(
        mona.deliver(
            &format!("{}/inbox", alpha.base),
            &mention_toot(&mona, &group, 1, true)
        )
        .await,
        202
    );
    let from_mona = eventually("the toot becomes a post", || async {
        let (_, posts) = alpha
            .get_json("/api/v1/communities/secguild/posts", "application/json")
            .await;
        posts["items"]
            .as_array()?
            .iter()
            .find(|p| p["author"].as_str().unwrap_or("").starts_with("mona@"))
            .cloned()
    })
    .await;
    assert_eq!(from_mona["title"], "Patch Tuesday recap 1");
    eventually("bob on beta sees mona's post", || async {
        let (_, posts) = beta
            .api_get(
                &format!("/api/v1/communities/secguild@{}/posts", alpha.domain),
                &bob,
            )
            .await;
        posts["items"]
            .as_array()?
            .iter()
            .find(|p| p["ap_id"] == from_mona["ap_id"])
            .cloned()
    })
    .await;

    // A followers-only toot is refused (stored as received, never published).
    assert_eq!(
        mona.deliver(&inbox, &mention_toot(&mona, &group, 2, false))
            .await,
        202
    );
    eventually("the private toot is processed", || async {
        (alpha
            .count("incoming_activities WHERE processed_at IS NULL")
            .await
            == 0)
            .then_some(())
    })
    .await;
    assert_eq!(alpha.count("posts WHERE content LIKE '%recap 2%'").await, 0);
    assert_eq!(
        alpha
            .count("incoming_activities WHERE error LIKE '%followers-only%'")
            .await,
        1
    );

    // A reply on alpha is not boosted to Mastodon timelines.
    let boosts = mona.received("Announce").len();
    let res = alpha
        .post(
            &format!("/api/v1/posts/{}/replies", post["id"]),
            Some(&alice),
            &json!({"content": "a reply"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    eventually("the reply is distributed", || async {
        (alpha.count("deliveries").await == 0).then_some(())
    })
    .await;
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
    answer["object"]["inReplyTo"] = post["ap_id"].clone();
    assert_eq!(
        mona.deliver(&format!("{}/inbox", alpha.base), &answer)
            .await,
        202
    );
    eventually("the toot becomes a reply", || async {
        let (_, r) = alpha
            .get_json(
                &format!("/api/v1/posts/{}/replies", post["id"]),
                "application/json",
            )
            .await;
        r["items"]
            .as_array()?
            .iter()
            .find(|p| p["author"].as_str().unwrap_or("").starts_with("mona@"))
            .cloned()
    })
    .await;

    // A Mastodon favourite counts as a like.
    let like = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}#likes/1", mona.actor), "type": "Like", "actor": mona.actor, "object": post["ap_id"]});
    assert_eq!(mona.deliver(&inbox, &like).await, 202);
    eventually("the like counts", || async {
        let (_, p) = alpha
            .get_json(&format!("/api/v1/posts/{}", post["id"]), "application/json")
            .await;
        (p["likes"] == 1).then_some(())
    })
    .await;
    alpha.settle().await;
}
