//! Signing in and out on the pages: a CSRF token with every form, cookie
//! flags, a stale form or a wrong password shown again with what was typed,
//! back to where the visitor was, and only to a page of this site.

use crate::common::TestApp;
use reqwest::header;

/// The value of the cookie `name` among the response's `Set-Cookie`s, with
/// the whole header line.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<(String, String)> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|line| line.starts_with(&format!("{name}=")))
        .map(|line| {
            let value = line[name.len() + 1..]
                .split(';')
                .next()
                .unwrap()
                .to_string();
            (value, line.to_string())
        })
}

/// The hidden CSRF field's value in a page.
fn csrf_field(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[at..].split('"').next().unwrap().to_string()
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn signing_in_needs_the_forms_token_keeps_what_was_typed_and_goes_back() {
    let app = TestApp::spawn().await;
    app.user("alice", false).await;
    let client = no_redirects();

    let res = client
        .get(app.url("/login?next=/c/secguild"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (csrf, line) = set_cookie(&res, "guildhall_csrf").expect("a CSRF cookie");
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Strict"),
        "{line}"
    );
    let page = res.text().await.unwrap();
    assert_eq!(csrf_field(&page), csrf);
    assert!(
        page.contains("<label for=\"username\">"),
        "every field has a label"
    );
    assert!(page.contains("<label for=\"password\">"));
    assert!(page.contains("name=\"next\" value=\"/c/secguild\""));

    let post = |cookie: Option<String>, body: String| {
        let mut req = client
            .post(app.url("/login"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        req.send()
    };
    let form = |csrf: &str, password: &str, next: &str| {
        serde_urlencoded::to_string([
            ("username", "alice"),
            ("password", password),
            ("csrf", csrf),
            ("next", next),
        ])
        .unwrap()
    };

    // No token, or a token that is not the cookie's: a clear page, the name kept.
    for (cookie, token) in [
        (None, csrf.as_str()),
        (Some(format!("guildhall_csrf={csrf}")), "forged"),
    ] {
        let res = post(cookie, form(token, "correct horse battery", "/c/secguild"))
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        assert!(set_cookie(&res, "guildhall_session").is_none());
        let page = res.text().await.unwrap();
        assert!(page.contains("This form expired"), "{page}");
        assert!(page.contains("value=\"alice\""), "what was typed is kept");
    }
    // A wrong password: the form again, with the reason.
    let cookie = Some(format!("guildhall_csrf={csrf}"));
    let res = post(cookie.clone(), form(&csrf, "wrong", "/c/secguild"))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let page = res.text().await.unwrap();
    assert!(page.contains("role=\"alert\""), "{page}");
    assert!(page.contains("value=\"alice\""));

    // Signed in: back where the visitor was, with a session cookie the
    // API takes too.
    let res = post(
        cookie.clone(),
        form(&csrf, "correct horse battery", "/c/secguild"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()[header::LOCATION], "/c/secguild");
    let (session, line) = set_cookie(&res, "guildhall_session").expect("a session cookie");
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Lax"),
        "{line}"
    );
    assert!(line.contains("Secure"), "outside dev mode: {line}");
    assert!(app.api(&session).sessions().await.is_ok());

    // Only to a page of this site.
    let res = post(
        cookie,
        form(&csrf, "correct horse battery", "//evil.example/"),
    )
    .await
    .unwrap();
    assert_eq!(res.headers()[header::LOCATION], "/");

    // Signing out takes a form of its own; then the session is over.
    let res = client.get(app.url("/logout")).send().await.unwrap();
    let (out_csrf, _) = set_cookie(&res, "guildhall_csrf").unwrap();
    let res = client
        .post(app.url("/logout"))
        .header(header::COOKIE, format!("guildhall_session={session}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("csrf={out_csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "no CSRF cookie: not signed out");
    assert!(app.api(&session).sessions().await.is_ok());
    let res = client
        .post(app.url("/logout"))
        .header(
            header::COOKIE,
            format!("guildhall_session={session}; guildhall_csrf={out_csrf}"),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("csrf={out_csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (cleared, line) = set_cookie(&res, "guildhall_session").unwrap();
    assert!(cleared.is_empty() && line.contains("Max-Age=0"), "{line}");
    let after = app.api(&session).sessions().await;
    assert_eq!(after.err().map(|e| e.status), Some(401));

    // A body that is not a form is a page too, never a 500.
    let res = post(None, "%%%".into()).await.unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}
