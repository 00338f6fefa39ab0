//! `/login` (sign in) and `/logout` (sign out) for people using the pages.
//!
//! A signed-in browser holds its session in the `guildhall_session` cookie
//! (the same sessions as the API's bearer tokens): `HttpOnly`,
//! `SameSite=Lax`, and `Secure` outside dev mode. Every form carries a
//! CSRF token that must equal the `guildhall_csrf` cookie set with the form
//! (double submit; the cookie is `SameSite=Strict`, so another site can
//! neither read nor send it). A missing or stale token gets a page that
//! says so and a fresh form, never a 500. After signing in, the browser
//! goes back to `next` (a path on this site only).

use super::layout;
use crate::{
    error::{AppError, ErrorKind},
    federation::context::Federation,
    services::account,
    throttle::client_address,
};
use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieAge},
    http::{StatusCode, header},
    web,
};
use base64::Engine;
use maud::{Markup, html};
use serde::Deserialize;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "guildhall_session";
/// The CSRF cookie's name.
const CSRF_COOKIE: &str = "guildhall_csrf";

/// `?next=` of the sign-in page.
#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// The sign-in form as posted.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// The sign-out form as posted.
#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// Where to go after signing in: a path on this site, else the front page.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

/// A fresh random token for a form.
fn new_token() -> String {
    let bytes: [u8; 24] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// True when the form's token equals the cookie's (compared as digests,
/// so the time taken says nothing about how much of it matched).
fn csrf_holds(req: &HttpRequest, submitted: &str) -> bool {
    let digest = |s: &str| ring::digest::digest(&ring::digest::SHA256, s.as_bytes());
    match req.cookie(CSRF_COOKIE) {
        Some(cookie) if !submitted.is_empty() => {
            digest(cookie.value()).as_ref() == digest(submitted).as_ref()
        }
        _ => false,
    }
}

/// The CSRF cookie for a new form.
fn csrf_cookie(token: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(CSRF_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .finish()
}

/// The sign-in form, with what was typed and the error next to its field.
fn form(token: &str, next: &str, username: &str, error: Option<&str>) -> Markup {
    html! {
        h1 { "Sign in" }
        form method="post" action="/login" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="next" value=(next);
            p {
                label for="username" { "User name" } br;
                input #username name="username" type="text" autocomplete="username"
                    required value=(username) aria-describedby=[error.map(|_| "sign-in-error")];
            }
            p {
                label for="password" { "Password" } br;
                input #password name="password" type="password" autocomplete="current-password" required;
            }
            @if let Some(error) = error {
                p #sign-in-error role="alert" { strong { (error) } }
            }
            p { button type="submit" { "Sign in" } }
        }
    }
}

/// A page with the sign-in form and a fresh CSRF cookie.
fn form_page(
    fed: &Federation,
    status: StatusCode,
    next: &str,
    username: &str,
    error: Option<&str>,
) -> HttpResponse {
    let token = new_token();
    let page = layout::page(
        &fed.settings.instance_name,
        "Sign in",
        form(&token, next, username, error),
    );
    let mut response = super::html(status, page);
    let _ = response.add_cookie(&csrf_cookie(&token, !fed.settings.dev));
    response
}

/// `GET /login?next=`: the sign-in form.
pub async fn sign_in_page(fed: web::Data<Federation>, query: web::Query<Next>) -> HttpResponse {
    let next = local_path(query.next.as_deref());
    form_page(&fed, StatusCode::OK, &next, "", None)
}

/// `POST /login`: signs in and goes back to `next`; a wrong password or a
/// stale form shows the form again with the user name kept.
pub async fn sign_in(
    req: HttpRequest,
    fed: web::Data<Federation>,
    body: web::Bytes,
) -> HttpResponse {
    let Ok(input) = serde_urlencoded::from_bytes::<SignInForm>(&body) else {
        return form_page(
            &fed,
            StatusCode::BAD_REQUEST,
            "/",
            "",
            Some("The form could not be read; please try again."),
        );
    };
    let next = local_path(Some(&input.next));
    if !csrf_holds(&req, &input.csrf) {
        return form_page(
            &fed,
            StatusCode::FORBIDDEN,
            &next,
            &input.username,
            Some("This form expired or did not come from this site; please sign in again."),
        );
    }
    let address = client_address(&req, fed.settings.trust_forwarded_for);
    match account::sign_in(&fed.state, &input.username, &input.password, address).await {
        Ok(token) => {
            let session = Cookie::build(SESSION_COOKIE, token)
                .path("/")
                .http_only(true)
                .secure(!fed.settings.dev)
                .same_site(SameSite::Lax)
                .finish();
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, next))
                .cookie(session)
                .finish()
        }
        Err(err) => {
            let status = match err.kind {
                ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
                ErrorKind::Internal | ErrorKind::Unavailable => return failed(&fed, &err),
                _ => StatusCode::UNAUTHORIZED,
            };
            form_page(&fed, status, &next, &input.username, Some(&err.message))
        }
    }
}

/// A page for a failure that is not the visitor's.
fn failed(fed: &Federation, err: &AppError) -> HttpResponse {
    layout::error_page(&fed.settings.instance_name, err)
}

/// `GET /logout`: a button to sign out (a form, so that a link elsewhere
/// cannot sign anyone out).
pub async fn sign_out_page(fed: web::Data<Federation>) -> HttpResponse {
    let token = new_token();
    let page = layout::page(
        &fed.settings.instance_name,
        "Sign out",
        html! {
            h1 { "Sign out" }
            form method="post" action="/logout" {
                input type="hidden" name="csrf" value=(token);
                button type="submit" { "Sign out" }
            }
        },
    );
    let mut response = super::html(StatusCode::OK, page);
    let _ = response.add_cookie(&csrf_cookie(&token, !fed.settings.dev));
    response
}

/// `POST /logout`: ends the browser's session.
pub async fn sign_out(
    req: HttpRequest,
    fed: web::Data<Federation>,
    body: web::Bytes,
) -> HttpResponse {
    let csrf = serde_urlencoded::from_bytes::<SignOutForm>(&body)
        .map(|f| f.csrf)
        .unwrap_or_default();
    if !csrf_holds(&req, &csrf) {
        return form_page(
            &fed,
            StatusCode::FORBIDDEN,
            "/",
            "",
            Some(
                "That sign-out form expired or did not come from this site, so you are still signed in.",
            ),
        );
    }
    if let Some(session) = req.cookie(SESSION_COOKIE) {
        let _ = account::sign_out(&fed.state, session.value()).await;
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
