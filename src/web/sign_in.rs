//! `/login` (sign in) and `/logout` (sign out) for people using the pages.
//!
//! A signed-in browser holds its session in the `guildhall_session` cookie
//! (the same sessions as the API's bearer tokens): `HttpOnly`,
//! `SameSite=Lax`, and `Secure` outside dev mode. Forms carry the CSRF
//! token of `csrf`; a missing or stale token gets the form again with a
//! message that says so, never a 500. After signing in, the browser goes
//! back to `next` (a path on this site only).

use super::{
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::{error::ErrorKind, services::account, throttle::client_address};
use actix_web::{
    HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieAge},
    http::{StatusCode, header},
    web,
};
use maud::html;
use serde::Deserialize;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "guildhall_session";

/// `?next=` of the sign-in page.
#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Where to go after signing in: a path on this site, else the front page.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The sign-in form, with what was typed and the reason it was refused.
fn form_page(page: &Page, next: &str, username: &str, problems: &Problems) -> HttpResponse {
    let error = problems.for_field("username");
    let body = html! {
        div.narrow {
            h1 { "Sign in" }
            (problems.summary())
            form.card method="post" action="/login" {
                (page.csrf_field())
                input type="hidden" name="next" value=(next);
                (form::input("username", "username", "text", label("User name").required(), username, error))
                div.field {
                    label for="password" { "Password" " " span.required { "(required)" } }
                    input #password name="password" type="password" autocomplete="current-password" required;
                }
                p { button type="submit" { "Sign in" } }
            }
            @if page.fed.settings.registration_open {
                p { "New here? " a href="/register" { "Create an account" } "." }
            }
        }
    };
    page.render(problems.status(), "Sign in", html! {}, body)
}

/// `GET /login?next=`: the sign-in form.
pub async fn sign_in_page(page: Page, query: web::Query<Next>) -> HttpResponse {
    let next = local_path(query.next.as_deref());
    form_page(&page, &next, "", &Problems::none())
}

/// `POST /login`: signs in and goes back to `next`; a wrong password or a
/// stale form shows the form again with the user name kept.
pub async fn sign_in(page: Page, body: web::Bytes) -> HttpResponse {
    let Some(input) = Fields::parse(&body) else {
        let problems = Problems::general(
            StatusCode::BAD_REQUEST,
            "The form could not be read; please try again.",
        );
        return form_page(&page, "/", "", &problems);
    };
    let next = local_path(Some(input.get("next")));
    let username = input.get("username");
    if !page.csrf_holds(input.csrf()) {
        return form_page(&page, &next, username, &Problems::expired());
    }
    let address = client_address(page.request(), page.fed.settings.trust_forwarded_for);
    match account::sign_in(&page.fed.state, username, input.get("password"), address).await {
        Ok(token) => {
            let session = Cookie::build(SESSION_COOKIE, token)
                .path("/")
                .http_only(true)
                .secure(!page.fed.settings.dev)
                .same_site(SameSite::Lax)
                .finish();
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, next))
                .cookie(session)
                .finish()
        }
        Err(err) => match err.kind {
            ErrorKind::Internal | ErrorKind::Unavailable => page.error(&err),
            kind => {
                let status = if kind == ErrorKind::TooManyRequests {
                    StatusCode::TOO_MANY_REQUESTS
                } else {
                    StatusCode::UNAUTHORIZED
                };
                form_page(
                    &page,
                    &next,
                    username,
                    &Problems::general(status, err.message),
                )
            }
        },
    }
}

/// `GET /logout`: a button to sign out (a form, so that a link elsewhere
/// cannot sign anyone out).
pub async fn sign_out_page(page: Page) -> HttpResponse {
    let body = html! {
        div.narrow {
            h1 { "Sign out" }
            form.card method="post" action="/logout" {
                (page.csrf_field())
                p { "Sign out of this browser? Your other sessions stay signed in." }
                button type="submit" { "Sign out" }
            }
        }
    };
    page.render(StatusCode::OK, "Sign out", html! {}, body)
}

/// `POST /logout`: ends the browser's session.
pub async fn sign_out(page: Page, body: web::Bytes) -> HttpResponse {
    let input = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(input.csrf()) {
        let problems = Problems::general(
            StatusCode::FORBIDDEN,
            "That sign-out form expired or did not come from this site, so you are still signed in.",
        );
        return form_page(&page, "/", "", &problems);
    }
    if let Some(session) = page.request().cookie(SESSION_COOKIE) {
        let _ = account::sign_out(&page.fed.state, session.value()).await;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.set_max_age(CookieAge::ZERO);
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(gone)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(local_path(Some("/c/secguild")), "/c/secguild");
        assert_eq!(local_path(Some("//evil.example/x")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }
}
