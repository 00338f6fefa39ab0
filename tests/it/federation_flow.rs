//! Two real instances, `alpha.test` and `beta.test`, on their own databases,
//! federating over HTTP with real signatures.

use crate::client::{named, titled};
use crate::common::{TestApp, settle};
use guildhall::{api::communities::CreateCommunity, domain::community::Membership};

#[tokio::test]
async fn a_member_on_another_instance_follows_reads_replies_and_likes() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let alice = alpha.user("alice", false).await;
    let bob = beta.user("bob", false).await;
    let (alice, bob) = (alpha.api(&alice), beta.api(&bob));
    alice
        .create_community(&CreateCommunity {
            title: Some("Security Guild".into()),
            ..named("secguild")
        })
        .await
        .unwrap();

    // Bob on beta follows the community on alpha.
    let handle = format!("secguild@{}", alpha.domain);
    bob.follow(&handle).await.unwrap();
    settle(&[&alpha, &beta]).await;
    let community = bob.community(&handle).await.unwrap();
    assert_eq!(community.follow_state, Membership::Accepted);
    let on_alpha = alpha.anonymous().community("secguild").await.unwrap();
    assert_eq!(on_alpha.followers, 1);

    // Alice posts on alpha; the post reaches beta.
    let post = alice
        .create_post(
            "secguild",
            &titled("Threat modelling 101", "Bring a **design**."),
        )
        .await
        .unwrap();
    settle(&[&alpha, &beta]).await;
    let posts = bob.posts(&handle).await.unwrap().items;
    let on_beta = posts
        .iter()
        .find(|p| p.ap_id == post.ap_id)
        .expect("the post arrives on beta");
    assert_eq!(on_beta.title.as_deref(), Some("Threat modelling 101"));
    assert!(on_beta.content.contains("<strong>design</strong>"));
    assert_eq!(on_beta.author, "alice@alpha.test");
    let beta_post_id = on_beta.id;

    // Alice replies on alpha; the reply reaches beta.
    alice.reply(post.id, "Slides are up.").await.unwrap();
    settle(&[&alpha, &beta]).await;
    let replies = bob.replies(beta_post_id).await.unwrap().items;
    assert!(
        replies.iter().any(|p| p.content.contains("Slides")),
        "alpha's reply arrives on beta"
    );

    // Bob replies from beta; alpha shows it.
    bob.reply(beta_post_id, "Count me in.").await.unwrap();
    settle(&[&alpha, &beta]).await;
    let replies = alpha.anonymous().replies(post.id).await.unwrap().items;
    let reply = replies
        .iter()
        .find(|p| p.content.contains("Count me in"))
        .expect("beta's reply arrives on alpha");
    assert_eq!(reply.author, "bob@beta.test");

    // Bob likes the post from beta; alpha counts it.
    bob.like(beta_post_id).await.unwrap();
    settle(&[&alpha, &beta]).await;
    assert_eq!(alpha.anonymous().post(post.id).await.unwrap().likes, 1);
}
