//! The pages' forms over plain HTTP (the browser journeys are in
//! `browser.rs`): a form without its CSRF token is refused with a page and
//! changes nothing, a refused field is shown next to it with what was
//! typed, a form page without a live session sends the visitor to sign in
//! and back, registration is open only when the settings say so, and only
//! admins reach the federation page.

use crate::common::TestApp;
use reqwest::{Client, StatusCode, header};

pub(crate) fn no_redirects() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A browser's CSRF token, from the cookie the sign-in page sets.
pub(crate) async fn csrf_token(app: &TestApp, client: &Client) -> String {
    let res = client.get(app.url("/login")).send().await.unwrap();
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| line.strip_prefix("guildhall_csrf="))
        .map(|rest| rest.split(';').next().unwrap().to_string())
        .expect("a CSRF cookie")
}

/// POSTs `form` to `path` with the given cookies.
pub(crate) async fn post_form(
    app: &TestApp,
    client: &Client,
    path: &str,
    cookies: &str,
    form: &[(&str, impl serde::Serialize)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_form_without_its_token_is_refused_with_a_page_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let session = app.user("alice", false).await;
    let client = no_redirects();
    let csrf = csrf_token(&app, &client).await;
    let form = |token: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("name", "secguild".into()),
            ("charter.purpose", "Raise the bar".into()),
            ("visibility", "public".into()),
            ("posting_policy", "members".into()),
            ("csrf", token.into()),
        ]
    };
    let with_token = |token: &str| {
        let mut fields = form("");
        fields.last_mut().unwrap().1 = token.to_string();
        fields
    };
    for (cookies, token) in [
        (format!("guildhall_session={session}"), csrf.clone()),
        (
            format!("guildhall_session={session}; guildhall_csrf={csrf}"),
            "forged".to_string(),
        ),
    ] {
        let res = post_form(
            &app,
            &client,
            "/communities/new",
            &cookies,
            &with_token(&token),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let page = res.text().await.unwrap();
        assert!(page.contains("This form expired"), "{page}");
        assert!(
            page.contains("value=\"secguild\""),
            "what was typed is kept"
        );
        assert_eq!(app.count("communities").await, 0);
    }
    let cookies = format!("guildhall_session={session}; guildhall_csrf={csrf}");
    let res = post_form(
        &app,
        &client,
        "/communities/new",
        &cookies,
        &with_token(&csrf),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/c/secguild");
    let charter = app.api(&session).charter("secguild").await.unwrap();
    assert_eq!(charter.charter.purpose, "Raise the bar");
}

#[tokio::test]
async fn a_refused_field_is_shown_next_to_it_with_what_was_typed() {
    let app = TestApp::spawn().await;
    let session = app.user("alice", false).await;
    let client = no_redirects();
    let csrf = csrf_token(&app, &client).await;
    let cookies = format!("guildhall_session={session}; guildhall_csrf={csrf}");
    let res = post_form(
        &app,
        &client,
        "/communities/new",
        &cookies,
        &[
            ("name", "secguild"),
            ("visibility", "public"),
            ("posting_policy", "members"),
            ("charter.purpose", "Raise <the> bar"),
            ("charter.languages", "en, english!"),
            ("csrf", csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    let error_at = page
        .find("id=\"charter.languages-error\"")
        .expect("the error next to its field");
    let field_at = page.find("id=\"charter.languages\"").unwrap();
    assert!(field_at < error_at, "the error follows its field");
    assert!(page[error_at..].contains("BCP 47"), "the rule's message");
    assert!(page.contains("aria-describedby=\"charter.languages-hint charter.languages-error\""));
    assert!(
        page.contains("Raise &lt;the&gt; bar"),
        "what was typed is kept"
    );
    assert!(page.contains("value=\"en, english!\""));
    assert_eq!(app.count("communities").await, 0);
}

#[tokio::test]
async fn a_form_page_without_a_live_session_goes_to_sign_in_and_back() {
    let app = TestApp::spawn().await;
    let session = app.user("alice", false).await;
    app.community(&session, "secguild").await;
    let client = no_redirects();
    let res = client
        .get(app.url("/c/secguild/posts/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[header::LOCATION],
        "/login?next=%2Fc%2Fsecguild%2Fposts%2Fnew"
    );
    app.api(&session).sign_out().await.unwrap();
    let res = client
        .get(app.url("/c/secguild/events/new"))
        .header(header::COOKIE, format!("guildhall_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "an ended session");
    assert_eq!(
        res.headers()[header::LOCATION],
        "/login?next=%2Fc%2Fsecguild%2Fevents%2Fnew"
    );
    let cleared = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|line| line.starts_with("guildhall_session=;") && line.contains("Max-Age=0"));
    assert!(cleared, "the dead session cookie is cleared");
}

#[tokio::test]
async fn registration_is_open_only_when_the_settings_say_so() {
    let closed = TestApp::spawn().await;
    let res = no_redirects()
        .get(closed.url("/register"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Registration is closed"));

    let app = TestApp::spawn_with(|s| s.registration_open = true).await;
    let client = no_redirects();
    let csrf = csrf_token(&app, &client).await;
    let cookies = format!("guildhall_csrf={csrf}");
    let short = [
        ("username", "ada"),
        ("password", "short"),
        ("csrf", csrf.as_str()),
    ];
    let res = post_form(&app, &client, "/register", &cookies, &short).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"password-error\""), "{page}");
    assert!(page.contains("value=\"ada\""));
    let good = [
        ("username", "ada"),
        ("password", "correct horse battery"),
        ("csrf", csrf.as_str()),
    ];
    let res = post_form(&app, &client, "/register", &cookies, &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let signed_in = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|line| line.starts_with("guildhall_session=") && line.contains("HttpOnly"));
    assert!(signed_in, "a new account is signed in");
    assert!(
        app.anonymous()
            .sign_in("ada", "correct horse battery")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn only_admins_reach_the_federation_page_and_block_from_it() {
    let app = TestApp::spawn().await;
    let admin = app.user("root", true).await;
    let member = app.user("alice", false).await;
    let client = no_redirects();
    let csrf = csrf_token(&app, &client).await;
    let res = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/login?next=%2Fadmin");
    let res = client
        .get(app.url("/admin"))
        .header(header::COOKIE, format!("guildhall_session={member}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let block = [
        ("domain", "Spam.Example"),
        ("action", "block"),
        ("csrf", csrf.as_str()),
    ];
    let res = post_form(
        &app,
        &client,
        "/admin",
        &format!("guildhall_session={member}; guildhall_csrf={csrf}"),
        &block,
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "members cannot block");
    let cookies = format!("guildhall_session={admin}; guildhall_csrf={csrf}");
    let res = post_form(&app, &client, "/admin", &cookies, &block).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let state = app.api(&admin).federation_state().await.unwrap();
    let spam = state.instances.iter().find(|i| i.domain == "spam.example");
    assert_eq!(spam.map(|i| i.policy.as_str()), Some("blocked"));
    let bad = [
        ("domain", "not a host/"),
        ("action", "block"),
        ("csrf", csrf.as_str()),
    ];
    let res = post_form(&app, &client, "/admin", &cookies, &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"domain-error\""), "{page}");
    assert!(page.contains("value=\"not a host/\""));
}
