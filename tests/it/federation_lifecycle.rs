//! The life of memberships and posts across instances: approval-required
//! communities, leaving, edits, deletions and tombstones.

use crate::{
    client::{Refused, named, titled, untitled},
    common::{MemberPair, TestApp, settle},
};
use guildhall::{
    api::{communities::CreateCommunity, posts::PostChanges},
    domain::community::{Membership, Visibility},
};
use serde_json::Value;

#[tokio::test]
async fn approval_required_communities_hold_follows_until_a_moderator_decides() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let alice = alpha.api(&alpha.user("alice", false).await);
    let (bob, carol) = (
        beta.api(&beta.user("bob", false).await),
        beta.api(&beta.user("carol", false).await),
    );
    alice
        .create_community(&CreateCommunity {
            visibility: Visibility::ApprovalRequired,
            ..named("secguild")
        })
        .await
        .unwrap();
    let handle = format!("secguild@{}", alpha.domain);
    for member in [&bob, &carol] {
        let answer = member.follow(&handle).await.unwrap();
        assert_eq!(answer.follow_state, Membership::Pending);
    }
    settle(&[&alpha, &beta]).await;
    let pending = alice.pending_followers("secguild").await.unwrap().items;
    assert_eq!(pending.len(), 2, "both requests wait on alpha");
    let actor = |name: &str| format!("{}/u/{name}", beta.base);
    assert!(pending.iter().any(|p| p.actor == actor("bob")));
    alice
        .decide_follower("secguild", &actor("bob"), true)
        .await
        .unwrap();
    alice
        .decide_follower("secguild", &actor("carol"), false)
        .await
        .unwrap();
    settle(&[&alpha, &beta]).await;
    for (member, state, what) in [
        (&bob, Membership::Accepted, "bob is accepted"),
        (&carol, Membership::None, "carol is refused"),
    ] {
        let community = member.community(&handle).await.unwrap();
        assert_eq!(community.follow_state, state, "{what}");
    }
    let community = alpha.anonymous().community("secguild").await.unwrap();
    assert_eq!(community.followers, 1);
}

#[tokio::test]
async fn edits_and_deletions_reach_followers_and_deleted_posts_are_tombstones() {
    let pair = MemberPair::start().await;
    let (alice, bob) = (pair.alpha.api(&pair.alice), pair.beta.api(&pair.bob));

    let post = alice
        .create_post("secguild", &titled("Draft", "v1"))
        .await
        .unwrap();
    pair.settle().await;
    let posts = bob.posts(&pair.handle).await.unwrap().items;
    let copy = posts.first().expect("the post reaches beta");
    alice
        .edit_post(
            post.id,
            &PostChanges {
                title: Some("Final".into()),
                content: Some("v2".into()),
                ..PostChanges::default()
            },
        )
        .await
        .unwrap();
    pair.settle().await;
    let edited = bob.post(copy.id).await.unwrap();
    assert_eq!(
        edited.title.as_deref(),
        Some("Final"),
        "the edit reaches beta"
    );
    assert!(edited.content.contains("v2"), "the edit reaches beta");
    let refused = bob
        .edit_post(
            copy.id,
            &PostChanges {
                content: Some("hijack".into()),
                ..PostChanges::default()
            },
        )
        .await
        .refused();
    assert_eq!(refused.status, 403, "only the author edits");

    alice.delete_post(post.id).await.unwrap();
    pair.settle().await;
    let gone = bob.post(copy.id).await.refused();
    assert_eq!(gone.status, 404, "the deletion reaches beta");
    let res = pair
        .alpha
        .client
        .get(pair.alpha.url(&format!("/p/{}", post.id)))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 410);
    let tombstone: Value = res.json().await.unwrap();
    assert_eq!(tombstone["type"], "Tombstone");
    assert_eq!(tombstone["id"], post.ap_id);

    // Leaving: bob's instance gets nothing more.
    bob.unfollow(&pair.handle).await.unwrap();
    pair.settle().await;
    let community = pair.alpha.anonymous().community("secguild").await.unwrap();
    assert_eq!(community.followers, 0, "alpha forgets the follower");
    alice
        .create_post("secguild", &untitled("after bob left"))
        .await
        .unwrap();
    assert_eq!(
        pair.alpha.count("deliveries").await,
        0,
        "nothing is queued for beta"
    );
    assert_eq!(
        pair.alpha
            .count("outgoing_activities WHERE body LIKE '%after bob left%'")
            .await,
        0,
        "no one to announce to"
    );
    pair.settle().await;
}
