//! An account that deletes itself (`Delete{Person}`, signed by the account):
//! its posts become tombstones that keep the replies under them, it is no
//! longer a member, no delivery meant for it alone is left, the deletion is
//! recorded (nothing more is taken from it) and passed on to group-aware
//! followers. Nobody else can delete an account.

use super::{alpha_with_secguild, follow, members, mention, page, readdressed, sent, toot};
use crate::{client::titled, common::MemberPair, fake_peer::FakePeer, mastodon::FakeMastodon};
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

/// Lemmy's captured `Delete{Person}` (Mastodon's account deletion has the
/// same shape: actor and object are the account), by `actor` about `object`.
fn delete_person(actor: &str, object: &str, id: &str) -> Value {
    let file = "lemmy/activities/deletion/delete_user.json";
    sent(file, actor, id, json!(object))
}

#[tokio::test]
async fn a_mastodon_account_deletion_tombstones_its_posts_and_ends_its_membership_and_deliveries() {
    let (alpha, token, group) = alpha_with_secguild().await;
    let alice = alpha.api(&token);
    let inbox = format!("{}/inbox", alpha.base);
    let mona = FakeMastodon::start().await;
    let first = follow(&mona.actor, &group, &format!("{}#follows/1", mona.actor));
    assert_eq!(mona.deliver(&inbox, &first).await, 202);
    let post = alice
        .create_post("secguild", &titled("Patch notes", "All patched."))
        .await
        .unwrap();
    let content = format!("<p>{} Our runner was compromised</p>", mention(&group));
    let own = toot(&mona.actor, &group, 1, &content);
    let mut reply = toot(&mona.actor, &group, 2, "<p>Thanks!</p>");
    reply["object"]["inReplyTo"] = json!(post.ap_id);
    let like_id = format!("{}#likes/1", mona.actor);
    let like = sent(
        "mastodon/activities/like_page.json",
        &mona.actor,
        &like_id,
        json!(post.ap_id),
    );
    for activity in [&own, &reply, &like] {
        assert_eq!(mona.deliver(&inbox, activity).await, 202);
    }
    alpha.settle().await;
    let posts = alpha.anonymous().posts("secguild").await.unwrap().items;
    let toot_post = posts
        .iter()
        .find(|p| p.ap_id == own["object"]["id"])
        .unwrap();
    let answer = alice.reply(toot_post.id, "Which runner?").await.unwrap();
    alpha.settle().await;
    assert_eq!(alpha.anonymous().post(post.id).await.unwrap().likes, 1);

    // Eve, elsewhere, deletes mona: refused. A Delete that names mona as
    // its actor but is signed by eve is dropped unstored.
    let evil = FakePeer::start("evil", "mastodon").await;
    let eve = evil.actor("users/eve", "Person");
    let forged = delete_person(&eve, &mona.actor, &format!("{eve}#delete"));
    assert_eq!(evil.deliver(&eve, &inbox, &forged).await, 202);
    let claimed = delete_person(
        &mona.actor,
        &mona.actor,
        &format!("{}#delete-1", mona.actor),
    );
    assert_eq!(evil.deliver(&eve, &inbox, &claimed).await, 202);
    alpha.settle().await;
    let refused = "incoming_activities WHERE error LIKE '%only an account can delete itself%'";
    assert_eq!(alpha.count(refused).await, 1);
    assert_eq!(
        alpha
            .count("incoming_activities WHERE ap_id LIKE '%#delete-1'")
            .await,
        0
    );
    assert_eq!(members(&alpha).await, 1);
    assert!(alpha.anonymous().post(toot_post.id).await.is_ok());

    // Mona's server stops taking deliveries; a new post waits for it.
    mona.failing.store(true, Ordering::SeqCst);
    alice
        .create_post("secguild", &titled("More notes", "Still patched."))
        .await
        .unwrap();
    assert_eq!(alpha.count("deliveries").await, 1);

    // Mona deletes the account, signed as Mastodon signs.
    let delete = delete_person(&mona.actor, &mona.actor, &format!("{}#delete", mona.actor));
    assert_eq!(mona.deliver(&inbox, &delete).await, 202);
    alpha.settle().await;
    assert_eq!(members(&alpha).await, 0);
    assert_eq!(alpha.count("deliveries").await, 0, "nothing waits for mona");
    let Err(refusal) = alpha.anonymous().post(toot_post.id).await else {
        panic!("the toot is still shown");
    };
    assert_eq!(refusal.status, 404);
    assert_eq!(alpha.count("posts WHERE deleted AND content = ''").await, 2);
    assert_eq!(alpha.anonymous().post(post.id).await.unwrap().likes, 0);
    let replies = alpha.anonymous().replies(post.id).await.unwrap().items;
    assert!(replies.is_empty(), "mona's reply is gone");
    // Alice's answer stays under the tombstone of mona's toot.
    let under = alpha.anonymous().replies(toot_post.id).await.unwrap().items;
    assert_eq!(under.iter().map(|p| p.id).collect::<Vec<_>>(), [answer.id]);
    let html = page(&alpha, &format!("/p/{}", toot_post.id)).await;
    assert!(html.contains("This post was deleted.") && html.contains("Which runner?"));
    assert!(!html.contains("compromised"));
    assert_eq!(alpha.count("people WHERE deleted_at IS NOT NULL").await, 1);

    // Nothing more is taken from the deleted account, not even with its
    // old key.
    mona.failing.store(false, Ordering::SeqCst);
    let again = follow(&mona.actor, &group, &format!("{}#follows/2", mona.actor));
    assert_eq!(mona.deliver(&inbox, &again).await, 202);
    alpha.settle().await;
    let deleted = "incoming_activities WHERE error LIKE '%the account deleted itself%'";
    assert_eq!(alpha.count(deleted).await, 1);
    assert_eq!(members(&alpha).await, 0);
}

#[tokio::test]
async fn a_deletion_keeps_what_others_on_a_shared_inbox_need_and_reaches_group_aware_members() {
    let pair = MemberPair::start().await;
    let (alpha, beta) = (&pair.alpha, &pair.beta);
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{}/inbox", alpha.base);
    let peer = FakePeer::start("pleroma", "pleroma").await;
    let mut people = Vec::new();
    for name in ["ann", "ben"] {
        let actor = peer.actor(&format!("users/{name}"), "Person");
        let kinetix = "https://mycrowd.ca/users/kinetix";
        let mut follow = readdressed("pleroma/activities/follow.json", &[(kinetix, &actor)]);
        follow["object"] = json!(group);
        follow["id"] = json!(format!("{actor}/follow"));
        assert_eq!(peer.deliver(&actor, &inbox, &follow).await, 202);
        people.push(actor);
    }
    let ann = &people[0];
    // Ann's Pleroma post (the captured one, addressed to the community).
    let create = readdressed(
        "pleroma/activities/create_note.json",
        &[
            ("https://greenish.red/users/nutomic", ann.as_str()),
            ("https://greenish.red", peer.base.as_str()),
            ("https://enterprise.lemmy.ml/u/picard", group.as_str()),
            ("\"https://enterprise.lemmy.ml/post/55143\"", "null"),
        ],
    );
    let note = &create["object"];
    peer.put(&note["id"].as_str().unwrap().replace(&peer.base, ""), note);
    assert_eq!(peer.deliver(ann, &inbox, &create).await, 202);
    pair.settle().await;
    let on_beta = beta.api(&pair.bob).posts(&pair.handle).await.unwrap().items;
    let copy = on_beta
        .iter()
        .find(|p| p.ap_id == note["id"])
        .expect("on beta");
    assert_eq!(
        copy.title.as_deref(),
        Some("test"),
        "the leading mention left out"
    );

    // Pleroma stops taking deliveries; a post for ann and ben waits.
    peer.set_inbox_status(503);
    let alice = alpha.api(&pair.alice);
    alice
        .create_post("secguild", &titled("Patch notes", "All patched."))
        .await
        .unwrap();
    let shared = format!("deliveries WHERE inbox = '{}/inbox'", peer.base);
    assert_eq!(alpha.count(&shared).await, 1);

    // Ann's account is gone from Pleroma, and ann's deletion arrives.
    peer.gone("/users/ann");
    let delete = delete_person(ann, ann, &format!("{ann}#delete"));
    assert_eq!(peer.deliver(ann, &inbox, &delete).await, 202);
    crate::common::eventually("alpha and beta apply the deletion", || async {
        let gone_on_alpha = alpha.count("people WHERE deleted_at IS NOT NULL").await == 1;
        let gone_on_beta = beta.count("people WHERE deleted_at IS NOT NULL").await == 1;
        (gone_on_alpha && gone_on_beta).then_some(())
    })
    .await;
    assert_eq!(alpha.count(&shared).await, 1, "ben still needs the post");
    assert_eq!(members(alpha).await, 2);
    let on_beta = beta.api(&pair.bob).posts(&pair.handle).await.unwrap().items;
    assert!(
        on_beta.iter().all(|p| p.ap_id != note["id"]),
        "a tombstone on beta too"
    );

    peer.set_inbox_status(0);
    pair.settle().await;
    assert!(
        peer.received("Announce").iter().any(|a| a["object"]
            .as_str()
            .is_some_and(|o| o.starts_with(&alpha.base))),
        "ben gets the post"
    );
}
