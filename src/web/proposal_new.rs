//! `/c/{name}/proposals/new`: a member proposes a change to the charter —
//! the charter's fields, starting from the charter as it is, and why. The
//! community then puts it to its members' vote.

use super::{
    charter_form,
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::services::{community, proposal};
use actix_web::{HttpResponse, web};
use maud::html;

fn render(
    page: &Page,
    name: &str,
    title: &str,
    values: &Fields,
    problems: &Problems,
) -> HttpResponse {
    let body = html! {
        p.meta { a href={ "/c/" (name) "/proposals" } { "← Proposals in " (title) } }
        h1 { "Propose a change to the charter" }
        p.lede { "Change what you think should change and say why. The members vote on it — here, or from Mastodon, where it shows as a poll." }
        (problems.summary())
        form method="post" action={ "/c/" (name) "/proposals" } {
            (page.csrf_field())
            (form::textarea("rationale", label("Why it should change").required(), values.get("rationale"), 4,
                problems.for_field("rationale")))
            (charter_form::fields(values, problems))
            p { button type="submit" { "Put it to the vote" } }
        }
    };
    page.render(
        problems.status(),
        &format!("Propose a change to {title}"),
        html! {},
        body,
    )
}

/// `GET /c/{name}/proposals/new` (signed in): the form, with the charter now.
pub async fn new_proposal_page(page: Page, name: web::Path<String>) -> HttpResponse {
    if let Err(sign_in) = page.signed_in(&format!("/c/{name}/proposals/new")) {
        return *sign_in;
    }
    match community::get_community(&page.fed.state, &name).await {
        Ok(view) => {
            let values = view
                .charter
                .as_ref()
                .map(charter_form::values_of)
                .unwrap_or_default();
            render(&page, &name, &view.row.title, &values, &Problems::none())
        }
        Err(err) => page.error(&err),
    }
}

/// `POST /c/{name}/proposals`: opens the vote and shows the proposal.
pub async fn create_proposal(
    page: Page,
    name: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let proposer = match page.signed_in(&format!("/c/{name}/proposals/new")) {
        Ok(proposer) => proposer,
        Err(sign_in) => return *sign_in,
    };
    let title = match community::get_community(&page.fed.state, &name).await {
        Ok(view) => view.row.title,
        Err(err) => return page.error(&err),
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, &name, &title, &values, &Problems::expired());
    }
    let opened = async {
        let charter = charter_form::read(&values)?;
        let rationale = values.get("rationale");
        proposal::propose(&page.fed.state, proposer, &name, charter, rationale).await
    };
    match opened.await {
        Ok(view) => page.see_other(&format!("/c/{name}/proposals/{}", view.row.id)),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &name, &title, &values, &problems),
            Err(err) => page.error(&err),
        },
    }
}
