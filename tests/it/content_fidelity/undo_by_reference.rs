//! `Undo{object: "<id>"}`, as bovine sends it: the id names a `Follow` or
//! a `Like` we stored, and only its actor may take it back. No fixture has
//! this shape: it is Mastodon's captured `Undo` with its object replaced
//! by the object's id.

use super::{alpha_with_secguild, follow, members, sent};
use crate::{
    client::titled,
    common::{MemberPair, TestApp},
    fake_peer::FakePeer,
};
use guildhall::api::posts::PostResponse;
use serde_json::json;

/// The captured Mastodon `Undo{Like}`, by `actor`, naming `undone` by id.
fn undo(actor: &str, n: u32, undone: &str) -> serde_json::Value {
    let id = format!("{actor}/undo/{n}");
    sent(
        "mastodon/activities/undo_like_page.json",
        actor,
        &id,
        json!(undone),
    )
}

/// Alice's post in `secguild`, a bovine server with `bo`, and bo's like
/// of the post (the captured Mastodon `Like`, not sent yet) with its id.
type Bovine = (PostResponse, FakePeer, String, String, serde_json::Value);

async fn post_and_bovine(alpha: &TestApp, alice: &str) -> Bovine {
    let post = alpha
        .api(alice)
        .create_post("secguild", &titled("Patch notes", "All patched."))
        .await
        .unwrap();
    let peer = FakePeer::start("bovine", "bovine").await;
    let bo = peer.actor("endpoints/bo", "Person");
    let like_id = format!("{bo}/like/1");
    let file = "mastodon/activities/like_page.json";
    let like = sent(file, &bo, &like_id, json!(post.ap_id));
    (post, peer, bo, like_id, like)
}

#[tokio::test]
async fn a_follow_and_a_like_undone_by_reference_are_taken_back_only_by_their_actor() {
    let (alpha, alice, group) = alpha_with_secguild().await;
    let (post, peer, bo, like_id, like) = post_and_bovine(&alpha, &alice).await;
    let inbox = format!("{}/inbox", alpha.base);
    let eve = peer.actor("endpoints/eve", "Person");

    let follow_id = format!("{bo}/follow/1");
    assert_eq!(
        peer.deliver(&bo, &inbox, &follow(&bo, &group, &follow_id))
            .await,
        202
    );
    assert_eq!(peer.deliver(&bo, &inbox, &like).await, 202);
    alpha.settle().await;
    assert_eq!(alpha.anonymous().post(post.id).await.unwrap().likes, 1);
    assert_eq!(members(&alpha).await, 1);

    // Eve names bo's follow and like: refused, nothing changes.
    for (n, undone) in [(1, &follow_id), (2, &like_id)] {
        assert_eq!(
            peer.deliver(&eve, &inbox, &undo(&eve, n, undone)).await,
            202
        );
    }
    // An id we never stored.
    let unknown = undo(&bo, 3, &format!("{bo}/like/999"));
    assert_eq!(peer.deliver(&bo, &inbox, &unknown).await, 202);
    alpha.settle().await;
    assert_eq!(
        alpha
            .count(
                "incoming_activities WHERE error LIKE '%only the actor of an activity can undo it%'"
            )
            .await,
        2
    );
    assert_eq!(
        alpha
            .count("incoming_activities WHERE error LIKE '%an Undo of an activity we do not know%'")
            .await,
        1
    );
    assert_eq!(alpha.anonymous().post(post.id).await.unwrap().likes, 1);
    assert_eq!(members(&alpha).await, 1);

    // Bo takes the like back by reference: it no longer counts.
    assert_eq!(
        peer.deliver(&bo, &inbox, &undo(&bo, 4, &like_id)).await,
        202
    );
    alpha.settle().await;
    assert_eq!(alpha.anonymous().post(post.id).await.unwrap().likes, 0);

    // A delivery to bo waits (bovine is answering 503); bo leaves by
    // reference: bo is no longer a follower and the delivery is dropped.
    peer.set_inbox_status(503);
    alpha
        .api(&alice)
        .create_post("secguild", &titled("More notes", "Still patched."))
        .await
        .unwrap();
    assert_eq!(alpha.count("deliveries").await, 1);
    assert_eq!(
        peer.deliver(&bo, &inbox, &undo(&bo, 5, &follow_id)).await,
        202
    );
    alpha.settle().await;
    assert_eq!(members(&alpha).await, 0);
    assert_eq!(alpha.count("deliveries").await, 0);
    assert_eq!(
        alpha
            .count("incoming_activities WHERE error IS NOT NULL")
            .await,
        3,
        "only eve's two undos and the unknown id were refused"
    );
}

#[tokio::test]
async fn a_like_undone_by_reference_is_taken_back_on_group_aware_members_too() {
    let pair = MemberPair::start().await;
    let (alpha, beta) = (&pair.alpha, &pair.beta);
    let (post, peer, bo, like_id, like) = post_and_bovine(alpha, &pair.alice).await;
    let inbox = format!("{}/inbox", alpha.base);
    // Beta confirms what alpha passes on at bovine, which serves its
    // activities at their ids.
    let taken_back = undo(&bo, 1, &like_id);
    for activity in [&like, &taken_back] {
        let path = activity["id"].as_str().unwrap().replace(&peer.base, "");
        peer.put(&path, activity);
    }
    assert_eq!(peer.deliver(&bo, &inbox, &like).await, 202);
    pair.settle().await;
    let on_beta = |posts: Vec<PostResponse>| {
        posts
            .into_iter()
            .find(|p| p.ap_id == post.ap_id)
            .unwrap()
            .likes
    };
    let bob = beta.api(&pair.bob);
    assert_eq!(on_beta(bob.posts(&pair.handle).await.unwrap().items), 1);

    assert_eq!(peer.deliver(&bo, &inbox, &taken_back).await, 202);
    pair.settle().await;
    assert_eq!(alpha.anonymous().post(post.id).await.unwrap().likes, 0);
    assert_eq!(on_beta(bob.posts(&pair.handle).await.unwrap().items), 0);
    assert_eq!(
        beta.count("incoming_activities WHERE error IS NOT NULL")
            .await,
        0
    );
}
