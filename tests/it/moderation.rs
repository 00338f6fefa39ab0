//! Moderation that federates: removals, locks and bans made on the
//! community's instance reach the copies on other instances, and the
//! moderation log records them.

use crate::{
    client::{Refused, titled, untitled},
    common::MemberPair,
};

#[tokio::test]
async fn removals_locks_and_bans_federate_and_are_logged() {
    let pair = MemberPair::start().await;
    let (alice, bob) = (pair.alpha.api(&pair.alice), pair.beta.api(&pair.bob));
    let anonymous = pair.alpha.anonymous();
    let post = alice
        .create_post("secguild", &titled("Rules", "Be kind"))
        .await
        .unwrap();
    pair.settle().await;
    let on_beta = bob.posts(&pair.handle).await.unwrap().items;
    let beta_post = on_beta.first().expect("the post reaches beta").id;
    let bob_reply = bob.reply(beta_post, "Spam spam").await.unwrap();
    pair.settle().await;
    let replies = anonymous.replies(post.id).await.unwrap().items;
    let reply_on_alpha = replies.first().expect("bob's reply reaches alpha");

    // Only moderators moderate.
    let refused = bob.moderate(bob_reply.id, "remove", None).await.refused();
    assert_eq!(refused.status, 403);

    // Removal reaches beta's copy.
    alice
        .moderate(reply_on_alpha.id, "remove", Some("spam"))
        .await
        .unwrap();
    pair.settle().await;
    let gone = bob.post(bob_reply.id).await.refused();
    assert_eq!(gone.status, 404, "the reply is removed on beta");

    // A lock reaches beta: replies there are refused.
    alice
        .moderate(post.id, "lock", Some("cool down"))
        .await
        .unwrap();
    pair.settle().await;
    let copy = bob.post(beta_post).await.unwrap();
    assert!(copy.locked, "the thread is locked on beta");
    let refused = bob.reply(beta_post, "More").await.refused();
    assert_eq!(refused.status, 403);

    // A ban ends bob's membership and is known on beta.
    alice
        .ban("secguild", &format!("bob@{}", pair.beta.domain), "spam")
        .await
        .unwrap();
    let community = anonymous.community("secguild").await.unwrap();
    assert_eq!(community.followers, 0);
    pair.settle().await;
    let refused = bob
        .create_post(&pair.handle, &untitled("hello?"))
        .await
        .refused();
    assert_eq!(refused.status, 403, "beta knows bob is banned");

    let log = anonymous.modlog("secguild").await.unwrap().items;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["ban", "lock_post", "remove_post"]);
    assert_eq!(log[2].reason.as_deref(), Some("spam"));
    assert_eq!(log[2].moderator.as_deref(), Some("alice"));
    pair.settle().await;
}
