//! `/register`: anyone creates an account when the instance's
//! `registration_open` setting allows it; otherwise the page says that
//! accounts are made by the admins. A new account is signed in at once.

use super::{
    form::{self, Fields, Problems, label},
    page::Page,
    sign_in::SESSION_COOKIE,
};
use crate::{services::account, throttle::client_address};
use actix_web::{
    HttpResponse,
    cookie::{Cookie, SameSite},
    http::{StatusCode, header},
    web,
};
use maud::html;

fn render(page: &Page, values: &Fields, problems: &Problems) -> HttpResponse {
    let body = html! {
        div.narrow {
            h1 { "Create an account" }
            (problems.summary())
            form.card method="post" action="/register" {
                (page.csrf_field())
                (form::input("username", "username", "text",
                    label("User name").required().hint("Lowercase letters, digits, _ . and -; people find you as @name."),
                    values.get("username"), problems.for_field("username")))
                div.field.invalid[problems.for_field("password").is_some()] {
                    label for="password" { "Password " span.required { "(required)" } }
                    p.hint #password-hint { "At least " (account::MIN_PASSWORD_LEN) " characters." }
                    input #password name="password" type="password" autocomplete="new-password" required
                        aria-describedby={ "password-hint" @if problems.for_field("password").is_some() { " password-error" } };
                    @if let Some(error) = problems.for_field("password") {
                        p.field-error #password-error { strong { "Error: " } (error) }
                    }
                }
                p { button type="submit" { "Create the account" } }
            }
            p { "Already have one? " a href="/login" { "Sign in" } "." }
        }
    };
    page.render(problems.status(), "Create an account", html! {}, body)
}

fn closed(page: &Page) -> HttpResponse {
    page.render(
        StatusCode::FORBIDDEN,
        "Registration closed",
        html! {},
        html! {
            div.notice {
                h1 { "Registration is closed" }
                p { "Accounts on " (page.instance()) " are created by its admins. You can still follow its communities from Mastodon or any fediverse app." }
                p { a href="/" { "Browse the communities" } }
            }
        },
    )
}

/// `GET /register`.
pub async fn register_page(page: Page) -> HttpResponse {
    if !page.fed.settings.registration_open {
        return closed(&page);
    }
    render(&page, &Fields::default(), &Problems::none())
}

/// `POST /register`: creates the account, signs it in, goes to the front page.
pub async fn register(page: Page, body: web::Bytes) -> HttpResponse {
    if !page.fed.settings.registration_open {
        return closed(&page);
    }
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, &values, &Problems::expired());
    }
    let state = &page.fed.state;
    let (name, password) = (values.get("username").trim(), values.get("password"));
    let address = client_address(page.request(), page.fed.settings.trust_forwarded_for);
    let created = async {
        account::create_user(state, name, password, false).await?;
        account::sign_in(state, name, password, address).await
    };
    match created.await {
        Ok(token) => {
            let session = Cookie::build(SESSION_COOKIE, token)
                .path("/")
                .http_only(true)
                .secure(!page.fed.settings.dev)
                .same_site(SameSite::Lax)
                .finish();
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/"))
                .cookie(session)
                .finish()
        }
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &values, &problems),
            Err(err) => page.error(&err),
        },
    }
}
