//! Charters: replace with validation, versioned history with authors.

use crate::{
    client::Refused,
    common::{TestApp, sample_charter},
};
use guildhall::domain::charter::{Charter, ContentLink, Practice};
use serde_json::{Value, json};

/// A charter with only its purpose.
fn purpose(text: &str) -> Charter {
    Charter {
        purpose: text.to_string(),
        ..Charter::default()
    }
}

#[tokio::test]
async fn every_charter_change_is_a_numbered_version_with_author_and_time() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    let root = app.user("root", true).await;
    app.community(&alice, "secguild").await;
    let anonymous = app.anonymous();
    let refused = anonymous.charter("secguild").await.refused();
    assert_eq!(refused.status, 404, "no charter yet");

    let first = app
        .api(&alice)
        .put_charter("secguild", &purpose("First purpose"))
        .await
        .unwrap();
    assert_eq!(first.version, 1);
    assert_eq!(first.author.as_deref(), Some("alice"));

    app.api(&root)
        .put_charter("secguild", &sample_charter())
        .await
        .unwrap();

    let current = anonymous.charter("secguild").await.unwrap();
    assert_eq!(current.version, 2);
    assert_eq!(current.author.as_deref(), Some("root"));
    assert_eq!(
        current.charter,
        sample_charter(),
        "the charter round-trips unchanged"
    );

    let items = anonymous.charter_history("secguild").await.unwrap().items;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].version, 2);
    assert_eq!(items[1].version, 1);
    assert_eq!(items[1].charter.purpose, "First purpose");
    assert!(items[1].created_at.to_rfc3339().starts_with("20"));
}

#[tokio::test]
async fn invalid_charters_are_422_naming_the_field_and_change_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    app.community(&alice, "secguild").await;
    let api = app.api(&alice);
    api.put_charter("secguild", &purpose("Kept")).await.unwrap();
    // Well-formed charters the rules refuse.
    let cases = [
        (purpose("  "), "charter.purpose"),
        (
            Charter {
                languages: vec!["english please".into()],
                ..purpose("p")
            },
            "charter.languages[0]",
        ),
        (
            Charter {
                content_links: vec![ContentLink {
                    label: "x".into(),
                    url: "javascript:alert(1)".into(),
                }],
                ..purpose("p")
            },
            "charter.content_links[0].url",
        ),
        (
            Charter {
                core_team: vec!["not a handle".into()],
                ..purpose("p")
            },
            "charter.core_team[0]",
        ),
        (
            Charter {
                practices: vec![Practice::default()],
                ..purpose("p")
            },
            "charter.practices[0].name",
        ),
    ];
    for (charter, field) in cases {
        let refused = api.put_charter("secguild", &charter).await.refused();
        assert_eq!(refused.status, 422, "{charter:?}");
        assert_eq!(refused.error, "unprocessable");
        assert_eq!(refused.field.as_deref(), Some(field), "{charter:?}");
    }
    // Bodies that are no charter: a field missing, an unknown value, field
    // or type.
    let cases = [
        (json!({"topics": ["x"]}), "charter.purpose"),
        (json!({"purpose": "p", "stage": "sleepy"}), "charter.stage"),
        (json!({"purpose": "p", "colour": "red"}), "charter.colour"),
        (
            json!({"purpose": "p", "topics": "appsec"}),
            "charter.topics",
        ),
    ];
    for (body, field) in cases {
        let res = app
            .send(
                reqwest::Method::PUT,
                "/api/v1/communities/secguild/charter",
                Some(&alice),
                Some(body.to_string()),
            )
            .await;
        assert_eq!(res.status(), 422, "{body}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "unprocessable");
        assert_eq!(err["field"], field, "{body}");
    }
    assert_eq!(app.count("charter_versions").await, 1);
    let current = app.anonymous().charter("secguild").await.unwrap();
    assert_eq!(current.charter.purpose, "Kept");
}

#[tokio::test]
async fn only_moderators_may_replace_a_charter() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    let bob = app.user("bob", false).await;
    app.community(&alice, "secguild").await;
    let refused = app
        .api(&bob)
        .put_charter("secguild", &purpose("Mine now"))
        .await
        .refused();
    assert_eq!(refused.status, 403);
    let refused = app
        .anonymous()
        .put_charter("secguild", &purpose("x"))
        .await
        .refused();
    assert_eq!(refused.status, 401);
    assert_eq!(app.count("charter_versions").await, 0);
}
