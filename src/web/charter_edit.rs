//! `/c/{name}/charter`: moderators edit the charter (each change a new
//! version); `/c/{name}/charter/history`: every version, and what changed
//! between two of them, field by field.

use super::{
    charter_form, charter_view,
    form::{Fields, Problems},
    page::Page,
};
use crate::{
    error::AppError,
    services::{
        charter::{self, CharterVersion},
        community,
    },
};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::{Markup, html};
use serde::Deserialize;

fn render(
    page: &Page,
    name: &str,
    title: &str,
    values: &Fields,
    problems: &Problems,
) -> HttpResponse {
    let body = html! {
        p.meta { a href={ "/c/" (name) } { "← " (title) } }
        h1 { "Edit the charter" }
        p.lede { "Each change is kept as a new version; members can read the "
            a href={ "/c/" (name) "/charter/history" } { "history" } "." }
        (problems.summary())
        form method="post" action={ "/c/" (name) "/charter" } {
            (page.csrf_field())
            (charter_form::fields(values, problems))
            p { button type="submit" { "Save a new version" } }
        }
    };
    page.render(
        problems.status(),
        &format!("Charter of {title}"),
        html! {},
        body,
    )
}

/// `GET /c/{name}/charter`: the form with the current charter (moderators).
pub async fn edit_charter_page(page: Page, name: web::Path<String>) -> HttpResponse {
    let back = format!("/c/{name}/charter");
    let person = match page.signed_in(&back) {
        Ok(person) => person,
        Err(sign_in) => return *sign_in,
    };
    let view = match community::get_community(&page.fed.state, &name).await {
        Ok(view) => view,
        Err(err) => return page.error(&err),
    };
    if !person.is_admin && !view.moderators.iter().any(|m| m.id == person.id) {
        return page.error(&AppError::forbidden(
            "only the community's moderators edit its charter",
        ));
    }
    let values = view
        .charter
        .as_ref()
        .map(charter_form::values_of)
        .unwrap_or_default();
    render(&page, &name, &view.row.title, &values, &Problems::none())
}

/// `POST /c/{name}/charter`: stores a new version and goes back to the
/// community.
pub async fn put_charter(page: Page, name: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let back = format!("/c/{name}/charter");
    let person = match page.signed_in(&back) {
        Ok(person) => person,
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
    let stored = async {
        let charter = charter_form::read(&values)?;
        charter::put_charter(&page.fed.state, person, &name, charter).await
    };
    match stored.await {
        Ok(_) => page.see_other(&format!("/c/{name}#charter")),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &name, &title, &values, &problems),
            Err(err) => page.error(&err),
        },
    }
}

/// `?from=&to=`: the versions to compare.
#[derive(Deserialize)]
pub struct Compare {
    from: Option<i32>,
    to: Option<i32>,
}

/// `GET /c/{name}/charter/history?from=&to=`: the versions, newest first,
/// and the changes from `from` to `to` (by default: the latest change).
pub async fn charter_history(
    page: Page,
    name: web::Path<String>,
    compare: web::Query<Compare>,
) -> HttpResponse {
    let state = &page.fed.state;
    let found = async {
        let view = community::get_community(state, &name).await?;
        let versions = charter::history(state, &name).await?;
        Ok::<_, AppError>((view, versions))
    };
    let (view, versions) = match found.await {
        Ok(found) => found,
        Err(err) => return page.error(&err),
    };
    let latest = versions.first().map_or(0, |v| v.version);
    let to = compare.to.unwrap_or(latest);
    let from = compare.from.unwrap_or(to - 1);
    let pick = |n: i32| versions.iter().find(|v| v.version == n);
    let title = &view.row.title;
    let body = html! {
        p.meta { a href={ "/c/" (name) } { "← " (title) } }
        h1 { "Charter history" }
        @if versions.is_empty() {
            p { "This community has no charter yet." }
        } @else {
            form.card method="get" action={ "/c/" (name) "/charter/history" } {
                table {
                    caption.meta { "Choose two versions to compare." }
                    thead { tr { th scope="col" { "Version" } th scope="col" { "By" } th scope="col" { "When" } th scope="col" { "From" } th scope="col" { "To" } } }
                    tbody {
                        @for v in &versions {
                            tr {
                                th scope="row" { "Version " (v.version) }
                                td { (v.author.as_deref().unwrap_or("unknown")) }
                                td { (v.created_at.format("%-d %b %Y, %H:%M UTC")) }
                                td { input type="radio" name="from" value=(v.version) checked[v.version == from]
                                    aria-label={ "Compare from version " (v.version) }; }
                                td { input type="radio" name="to" value=(v.version) checked[v.version == to]
                                    aria-label={ "Compare to version " (v.version) }; }
                            }
                        }
                    }
                }
                p { button type="submit" { "Compare" } }
            }
            @match pick(to) {
                Some(new) => (changes(pick(from), new)),
                None => p { "There is no version " (to) "." },
            }
        }
    };
    page.render(
        StatusCode::OK,
        &format!("Charter history of {title}"),
        html! {},
        body,
    )
}

/// What changed from `old` (nothing: the first version) to `new`, field by
/// field; lines removed struck through, lines added marked.
fn changes(old: Option<&CharterVersion>, new: &CharterVersion) -> Markup {
    let before = old
        .map(|v| charter_view::fields(&v.charter))
        .unwrap_or_default();
    let after = charter_view::fields(&new.charter);
    let changed: Vec<_> = after
        .iter()
        .filter(|(label, text)| {
            let was = before
                .iter()
                .find(|(l, _)| l == label)
                .map_or("", |(_, t)| t.as_str());
            was != text
        })
        .collect();
    html! {
        section.card.diff aria-labelledby="changes" {
            h2 #changes {
                @match old {
                    Some(old) => { "Changes from version " (old.version) " to " (new.version) }
                    None => { "Version " (new.version) ", the first" }
                }
            }
            @if changed.is_empty() { p { "No field changed." } }
            dl.charter {
                @for (label, text) in &changed {
                    @let was = before.iter().find(|(l, _)| l == label).map_or("", |(_, t)| t.as_str());
                    dt { (label) }
                    dd {
                        @for line in was.lines().filter(|l| !text.lines().any(|n| n == *l)) {
                            del { span.visually-hidden { "Removed: " } (line) } br;
                        }
                        @for line in text.lines().filter(|l| !was.lines().any(|o| o == *l)) {
                            ins { span.visually-hidden { "Added: " } (line) } br;
                        }
                    }
                }
            }
        }
    }
}
