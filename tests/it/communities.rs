//! Communities over the API: create, read, list, update; names; moderators.

use crate::{
    client::{Refused, named},
    common::{TestApp, sample_charter},
};
use guildhall::{
    api::communities::{CreateCommunity, UpdateCommunity},
    domain::community::{PostingPolicy, Visibility},
};
use serde_json::{Value, json};

#[tokio::test]
async fn a_created_community_is_listed_and_readable_with_its_charter() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    let created = app
        .api(&token)
        .create_community(&CreateCommunity {
            title: Some("Security Guild".into()),
            summary: Some("We *share*.".into()),
            charter: Some(sample_charter()),
            ..named("secguild")
        })
        .await
        .unwrap();
    assert_eq!(created.name, "secguild");
    assert_eq!(created.ap_id, format!("{}/c/secguild", app.base));
    assert_eq!(created.moderators, ["alice"]);
    assert_eq!(created.visibility, Visibility::Public);
    assert_eq!(created.charter_version, 1);
    assert_eq!(created.charter.unwrap().purpose, sample_charter().purpose);

    let anonymous = app.anonymous();
    let one = anonymous.community("secguild").await.unwrap();
    assert_eq!(one.title, "Security Guild");
    let practice = &one.charter.unwrap().practices[0];
    assert_eq!(practice.r#where.as_deref(), Some("Room 4"));

    let list = anonymous.communities(None, None).await.unwrap();
    assert_eq!(list.items.len(), 1);
    assert_eq!(list.next, None);
}

#[tokio::test]
async fn listing_pages_by_name_and_hides_unlisted_communities() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    for name in ["alpha", "bravo", "charlie"] {
        app.community(&token, name).await;
    }
    app.api(&token)
        .create_community(&CreateCommunity {
            visibility: Visibility::Unlisted,
            ..named("hidden")
        })
        .await
        .unwrap();
    let anonymous = app.anonymous();
    let page = anonymous.communities(Some(2), None).await.unwrap();
    let names: Vec<&str> = page.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["alpha", "bravo"]);
    assert_eq!(page.next.as_deref(), Some("bravo"));
    let rest = anonymous.communities(Some(2), Some("bravo")).await.unwrap();
    let names: Vec<&str> = rest.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["charlie"],
        "unlisted communities stay out of the public list"
    );
}

#[tokio::test]
async fn only_moderators_and_admins_may_change_a_community() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    let bob = app.user("bob", false).await;
    let root = app.user("root", true).await;
    app.community(&alice, "secguild").await;

    let refused = app
        .api(&bob)
        .update_community(
            "secguild",
            &UpdateCommunity {
                title: Some("Hijacked".into()),
                ..UpdateCommunity::default()
            },
        )
        .await
        .refused();
    assert_eq!(refused.status, 403);
    let changed = app
        .api(&alice)
        .update_community(
            "secguild",
            &UpdateCommunity {
                title: Some("Security Guild".into()),
                visibility: Some(Visibility::ApprovalRequired),
                posting_policy: Some(PostingPolicy::Moderators),
                ..UpdateCommunity::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.title, "Security Guild");
    assert_eq!(changed.visibility, Visibility::ApprovalRequired);
    assert_eq!(changed.posting_policy, PostingPolicy::Moderators);
    app.api(&root)
        .update_community(
            "secguild",
            &UpdateCommunity {
                summary: Some("Admins can help".into()),
                ..UpdateCommunity::default()
            },
        )
        .await
        .expect("admins may change a community");
    // A visibility that does not exist (no typed request can say it).
    let res = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/communities/secguild",
            Some(&alice),
            Some(json!({"visibility": "secret"}).to_string()),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["field"], "visibility");
}

#[tokio::test]
async fn people_and_communities_share_one_namespace() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    let refused = app
        .api(&token)
        .create_community(&named("alice"))
        .await
        .refused();
    assert_eq!(refused.status, 409);
    assert_eq!(app.count("communities").await, 0);
}

#[tokio::test]
async fn an_unknown_community_is_404_in_json() {
    let app = TestApp::spawn().await;
    let refused = app.anonymous().community("nothing").await.refused();
    assert_eq!(refused.status, 404);
    assert_eq!(refused.error, "not_found");
}
