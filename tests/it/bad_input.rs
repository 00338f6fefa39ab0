//! Bad input gets a clear error in the JSON error shape and changes nothing.

use crate::{
    client::{Refused, named},
    common::TestApp,
};
use guildhall::{api::communities::CreateCommunity, domain::charter::Charter};
use serde_json::{Value, json};

#[tokio::test]
async fn bad_requests_get_the_right_status_and_leave_the_database_unchanged() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    app.community(&token, "secguild").await;
    let before = (
        app.count("communities").await,
        app.count("charter_versions").await,
        app.count("local_handles").await,
    );

    // Well-formed requests the API refuses.
    let bad_charter = CreateCommunity {
        charter: Some(Charter::default()),
        ..named("ok-name")
    };
    let cases = [
        ("duplicate", named("secguild"), 409, "conflict"),
        ("upper case name", named("SecGuild"), 422, "unprocessable"),
        ("name too short", named("x"), 422, "unprocessable"),
        ("bad charter", bad_charter, 422, "unprocessable"),
    ];
    for (what, input, status, code) in cases {
        let refused = app.api(&token).create_community(&input).await.refused();
        assert_eq!(refused.status, status, "{what}");
        assert_eq!(refused.error, code, "{what}: {refused:?}");
        assert!(!refused.message.is_empty(), "{what}");
    }
    // Bodies that are not a well-formed request at all.
    let cases: Vec<(&str, String, u16, &str)> = vec![
        (
            "unknown field",
            json!({"name": "ok-name", "colour": 1}).to_string(),
            422,
            "unprocessable",
        ),
        (
            "malformed JSON",
            "{\"name\": ".to_string(),
            400,
            "bad_request",
        ),
        (
            "trailing garbage",
            "{\"name\": \"ok-name\"} x".to_string(),
            400,
            "bad_request",
        ),
        (
            "5 MB body",
            format!(
                "{{\"name\": \"ok-name\", \"summary\": \"{}\"}}",
                "a".repeat(5 * 1024 * 1024)
            ),
            413,
            "payload_too_large",
        ),
    ];
    for (what, body, status, code) in cases {
        let res = app
            .send(
                reqwest::Method::POST,
                "/api/v1/communities",
                Some(&token),
                Some(body),
            )
            .await;
        assert_eq!(res.status().as_u16(), status, "{what}");
        let err: Value = res.json().await.unwrap_or(Value::Null);
        assert_eq!(err["error"], code, "{what}: {err}");
        assert!(
            err["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    let ok_name = named("ok-name");
    let refused = app.anonymous().create_community(&ok_name).await.refused();
    assert_eq!(refused.status, 401, "no token");
    let refused = app.api("forged").create_community(&ok_name).await.refused();
    assert_eq!(refused.status, 401, "bad token");
    let after = (
        app.count("communities").await,
        app.count("charter_versions").await,
        app.count("local_handles").await,
    );
    assert_eq!(before, after);
}

#[tokio::test]
async fn invalid_names_are_422_with_the_field_named() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    let refused = app
        .api(&token)
        .create_community(&named("no spaces"))
        .await
        .refused();
    assert_eq!(refused.status, 422);
    assert_eq!(refused.field.as_deref(), Some("name"));
    // No name at all (the typed request always has one).
    let res = app
        .send(
            reqwest::Method::POST,
            "/api/v1/communities",
            Some(&token),
            Some(json!({"title": "no name"}).to_string()),
        )
        .await;
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["field"], "name");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_json_error_shape() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .get_json("/api/v1/nothing-here", "application/json")
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "not_found");
    let res = app
        .send(reqwest::Method::DELETE, "/api/v1/communities", None, None)
        .await;
    assert_eq!(res.status(), 405);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed");
}

#[tokio::test]
async fn script_in_a_summary_is_neutralised_in_html_and_activitypub() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    let summary = "Hello <script>alert('x')</script><img src=x onerror=alert(1)>";
    app.api(&token)
        .create_community(&CreateCommunity {
            title: Some("<b>T</b>".into()),
            summary: Some(summary.into()),
            ..named("xss")
        })
        .await
        .unwrap();
    let page = app
        .client
        .get(app.url("/c/xss"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("onerror"), "{page}");
    assert!(page.contains("&lt;b&gt;T&lt;/b&gt;"), "titles are escaped");
    let (_, group) = app.get_json("/c/xss", "application/activity+json").await;
    let html = group["summary"].as_str().unwrap();
    assert!(
        !html.contains("<script") && !html.contains("onerror"),
        "{html}"
    );
}
