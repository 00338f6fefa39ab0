//! `POST /c/{name}/follow` `action=join|leave`: a signed-in person joins a
//! community (or asks to, where a moderator approves members) or leaves it;
//! ours, or a remote one we hold (`/c/{name}@{host}`, never looked up).

use super::{
    form::{Fields, Problems},
    page::Page,
};
use crate::{federation::handle, services::follow};
use actix_web::{HttpResponse, web};

/// `POST /c/{name}/follow`: joins or leaves, then back to the community.
pub async fn follow_community(
    page: Page,
    name: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let person = match page.signed_in(&format!("/c/{name}")) {
        Ok(person) => person,
        Err(sign_in) => return *sign_in,
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return expired(&page, &name);
    }
    let done = async {
        let row = handle::community(&page.fed, &name, false).await?;
        match values.get("action") {
            "leave" => follow::unfollow(&page.fed.state, person, &row).await,
            _ => follow::follow(&page.fed.state, person, &row)
                .await
                .map(|_| ()),
        }
    };
    match done.await {
        Ok(()) => page.see_other(&format!("/c/{name}#members")),
        Err(err) => page.error(&err),
    }
}

/// A stale join button: a page that says so, with the way back.
fn expired(page: &Page, name: &str) -> HttpResponse {
    let problems = Problems::expired();
    page.render(
        problems.status(),
        "Form expired",
        maud::html! {},
        maud::html! {
            (problems.summary())
            p { a.button href={ "/c/" (name) } { "Back to the community" } }
        },
    )
}
