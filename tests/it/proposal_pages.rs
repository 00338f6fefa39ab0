//! Co-design in the pages, without JavaScript: a member proposes a change
//! from a form that starts from the charter as it is, members vote with
//! buttons, a moderator decides it, and the charter's history shows the
//! new version; a refused field is shown with what was typed, and a form
//! without its CSRF token changes nothing.

use crate::{
    common::TestApp,
    form_pages::{csrf_token, no_redirects, post_form},
};
use guildhall::domain::charter::Charter;
use reqwest::{StatusCode, header};

/// Alpha with `secguild` (owner alice, a one-line charter) and member bob;
/// their session cookies.
async fn guild() -> (TestApp, String, String) {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    app.community(&alice, "secguild").await;
    let charter = Charter {
        purpose: "Raise the security bar".into(),
        topics: vec!["appsec".into()],
        ..Charter::default()
    };
    app.api(&alice)
        .put_charter("secguild", &charter)
        .await
        .unwrap();
    let bob = app.user("bob", false).await;
    app.api(&bob).follow("secguild").await.unwrap();
    (app, alice, bob)
}

#[tokio::test]
async fn a_member_proposes_members_vote_and_a_moderator_decides_in_the_pages() {
    let (app, alice, bob) = guild().await;
    let client = no_redirects();
    let csrf = csrf_token(&app, &client).await;
    let as_bob = format!("guildhall_session={bob}; guildhall_csrf={csrf}");
    let as_alice = format!("guildhall_session={alice}; guildhall_csrf={csrf}");

    let form = client
        .get(app.url("/c/secguild/proposals/new"))
        .header(header::COOKIE, &as_bob)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let form = form.text().await.unwrap();
    assert!(
        form.contains("Raise the security bar"),
        "it starts from the charter as it is"
    );
    assert!(form.contains("<label") && form.contains("for=\"rationale\""));

    let refused = post_form(
        &app,
        &client,
        "/c/secguild/proposals",
        &as_bob,
        &[
            ("charter.purpose", "Practise threat modelling"),
            ("charter.topics", "appsec"),
            ("rationale", ""),
            ("csrf", csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("id=\"rationale-error\""),
        "the error next to its field"
    );
    assert!(
        page.contains("Practise threat modelling"),
        "what was typed is kept"
    );

    let forged = post_form(
        &app,
        &client,
        "/c/secguild/proposals",
        &as_bob,
        &[
            ("charter.purpose", "Practise threat modelling"),
            ("rationale", "we model more"),
            ("csrf", "forged"),
        ],
    )
    .await;
    assert_ne!(forged.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("proposals").await, 0, "nothing was proposed");

    let opened = post_form(
        &app,
        &client,
        "/c/secguild/proposals",
        &as_bob,
        &[
            ("charter.purpose", "Practise threat modelling"),
            ("charter.topics", "appsec"),
            ("rationale", "We model more than we test now."),
            ("csrf", csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let at = opened.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(at.starts_with("/c/secguild/proposals/"), "{at}");

    let shown = client
        .get(app.url(&at))
        .header(header::COOKIE, &as_bob)
        .send()
        .await
        .unwrap();
    let shown = shown.text().await.unwrap();
    assert!(shown.contains("Change the purpose"));
    assert!(
        shown.contains("Raise the security bar") && shown.contains("Practise threat modelling")
    );
    assert!(shown.contains("value=\"accept\""), "vote buttons");

    let voted = post_form(
        &app,
        &client,
        &format!("{at}/vote"),
        &as_bob,
        &[("option", "accept"), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(voted.status(), StatusCode::SEE_OTHER);
    let again = post_form(
        &app,
        &client,
        &format!("{at}/vote"),
        &as_bob,
        &[("option", "accept"), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(
        again.status(),
        StatusCode::CONFLICT,
        "the same vote again is refused"
    );
    assert!(again.text().await.unwrap().contains("already voted"));

    let closed = post_form(
        &app,
        &client,
        &format!("{at}/close"),
        &as_alice,
        &[("outcome", "decide"), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    let history = app.anonymous().charter_history("secguild").await.unwrap();
    assert_eq!(
        history.items[0].charter.purpose,
        "Practise threat modelling"
    );
    assert_eq!(history.items[0].author.as_deref(), Some("bob"));
    let community = client
        .get(app.url("/c/secguild"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(community.contains("Shaping the charter"));
    let list = client
        .get(app.url("/c/secguild/proposals"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("accepted: charter version 2"), "{list}");
    app.settle().await;
}
