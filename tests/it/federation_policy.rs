//! Federation policy between real instances: a blocked instance gets
//! nothing and is heard from no more; allowlist mode federates with
//! partners only.

use crate::{
    client::{Api, Refused, titled, untitled},
    common::{TestApp, settle},
};
use guildhall::domain::community::Membership;

/// How `member` on their instance stands with `secguild` on `of`.
async fn follow_state(member: &Api, of: &TestApp) -> Membership {
    let handle = format!("secguild@{}", of.domain);
    member.community(&handle).await.unwrap().follow_state
}

/// `member` asks to follow `secguild` on `of`.
async fn follow(member: &Api, of: &TestApp) {
    let handle = format!("secguild@{}", of.domain);
    member.follow(&handle).await.unwrap();
}

#[tokio::test]
async fn a_blocked_instance_cannot_follow_and_receives_nothing() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let root_token = alpha.user("root", true).await;
    let root = alpha.api(&root_token);
    let bob_token = beta.user("bob", false).await;
    let bob = beta.api(&bob_token);
    alpha.community(&root_token, "secguild").await;

    // Bob follows while beta is welcome; then alpha blocks beta.
    follow(&bob, &alpha).await;
    settle(&[&alpha, &beta]).await;
    assert_eq!(
        follow_state(&bob, &alpha).await,
        Membership::Accepted,
        "bob's follow is accepted"
    );
    let policy = root
        .admin_domain("blocks", "BETA.test", true)
        .await
        .unwrap();
    assert_eq!(
        (policy.domain.as_str(), policy.policy.as_str()),
        ("beta.test", "blocked")
    );

    // Nothing alpha publishes reaches beta.
    root.create_post("secguild", &titled("Internal", "Not for beta"))
        .await
        .unwrap();
    settle(&[&alpha, &beta]).await;
    let posts = bob
        .posts(&format!("secguild@{}", alpha.domain))
        .await
        .unwrap()
        .items;
    assert!(
        posts.is_empty(),
        "beta received a post from an instance that blocks it"
    );

    // A new follow from beta is refused at alpha's inbox.
    let carol = beta.api(&beta.user("carol", false).await);
    follow(&carol, &alpha).await;
    let state = root.federation_state().await.unwrap();
    let beta_row = state
        .instances
        .iter()
        .find(|i| i.domain == "beta.test")
        .unwrap();
    assert_eq!(beta_row.policy, "blocked");
    settle(&[&alpha, &beta]).await;
    assert_eq!(follow_state(&carol, &alpha).await, Membership::Pending);
    let community = alpha.anonymous().community("secguild").await.unwrap();
    assert_eq!(community.followers, 1, "carol's follow was not stored");
    assert_eq!(
        alpha
            .count("incoming_activities WHERE actor LIKE '%carol%'")
            .await,
        0
    );

    // Non-admins cannot change policy.
    let refused = alpha
        .api(&bob_token)
        .admin_domain("blocks", "x.test", true)
        .await
        .refused();
    assert_eq!(
        refused.status, 401,
        "a token of another instance is unknown here"
    );
    let dave = alpha.api(&alpha.user("dave", false).await);
    let refused = dave.admin_domain("blocks", "x.test", true).await.refused();
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn allowlist_mode_federates_with_partners_only() {
    let alpha = TestApp::spawn_named_with("alpha", |s| s.allowlist_only = true).await;
    let beta = TestApp::spawn_named("beta").await;
    let gamma = TestApp::spawn_named("gamma").await;
    let root_token = alpha.user("root", true).await;
    let root = alpha.api(&root_token);
    alpha.community(&root_token, "secguild").await;
    root.admin_domain("partners", "beta.test", true)
        .await
        .unwrap();

    let bob = beta.api(&beta.user("bob", false).await);
    let gil = gamma.api(&gamma.user("gil", false).await);
    follow(&bob, &alpha).await;
    let answer = gil.follow(&format!("secguild@{}", alpha.domain)).await;
    // Gamma may not even read alpha's WebFinger? It can: reads are public; the follow is refused.
    if let Err(refused) = answer {
        assert_eq!(refused.status, 404, "{refused:?}");
    }
    settle(&[&alpha, &beta, &gamma]).await;
    assert_eq!(
        follow_state(&bob, &alpha).await,
        Membership::Accepted,
        "the partner's follow is accepted"
    );

    root.create_post("secguild", &untitled("Partners only"))
        .await
        .unwrap();
    settle(&[&alpha, &beta, &gamma]).await;
    let posts = bob
        .posts(&format!("secguild@{}", alpha.domain))
        .await
        .unwrap()
        .items;
    assert_eq!(posts.len(), 1, "the post reaches the partner");
    let community = alpha.anonymous().community("secguild").await.unwrap();
    assert_eq!(community.followers, 1, "only the partner's member follows");
    let on_gamma = gil.community(&format!("secguild@{}", alpha.domain)).await;
    assert!(
        !on_gamma.is_ok_and(|c| c.follow_state == Membership::Accepted),
        "gil is no member"
    );
}
