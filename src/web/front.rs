//! `/`: the instance front page, which is its directory: our listed
//! communities and our partners', searched by words and filtered by topic,
//! stage, organisation, language and meeting cadence (a GET form, so that
//! a search is a link), best match first, 20 a page.

use super::{
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::{
    db::directory::EntryRow,
    domain::{
        directory::{DirectoryQuery, RawQuery},
        markdown,
    },
    error::AppError,
    services::directory,
};
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use std::collections::HashMap;

const STAGES: &[(&str, &str)] = &[
    ("", "Any stage"),
    ("forming", "Forming"),
    ("active", "Active"),
    ("established", "Established"),
    ("dormant", "Dormant"),
    ("archived", "Archived"),
];

const CADENCES: &[(&str, &str)] = &[
    ("", "Any cadence"),
    ("weekly", "Weekly"),
    ("fortnightly", "Fortnightly"),
    ("monthly", "Monthly"),
    ("online", "Meets online"),
];

/// The search fields, in the order of the form.
const PARAMS: &[&str] = &["q", "topic", "stage", "org", "lang", "cadence", "page"];

/// `GET /?q=&topic=&stage=&org=&lang=&cadence=&page=`.
pub async fn front_page(page: Page, params: web::Query<HashMap<String, String>>) -> HttpResponse {
    let values = Fields::from_pairs(
        PARAMS
            .iter()
            .filter_map(|p| params.get(*p).map(|v| (*p, v.clone()))),
    );
    let raw = |name: &str| values.optional(name);
    let parsed = DirectoryQuery::parse(RawQuery {
        q: raw("q"),
        topic: raw("topic"),
        stage: raw("stage"),
        org: raw("org"),
        lang: raw("lang"),
        cadence: raw("cadence"),
        like: None,
        page: raw("page"),
    });
    let (results, problems) = match parsed {
        Ok(query) => match directory::search(&page.fed.state, &query).await {
            Ok(found) => (Some(found), Problems::none()),
            Err(err) => match Problems::from_error(err) {
                Ok(problems) => (None, problems),
                Err(err) => return page.error(&err),
            },
        },
        Err(err) => match Problems::from_error(AppError::from(err)) {
            Ok(problems) => (None, problems),
            Err(err) => return page.error(&err),
        },
    };
    let searching = PARAMS[..6].iter().any(|p| values.optional(p).is_some());
    let settings = &page.fed.settings;
    let body = html! {
        section.hero aria-labelledby="welcome" {
            h1 #welcome { (settings.instance_name) }
            p.lede { (settings.instance_description) }
            @if page.viewer.is_some() {
                p { a.button href="/communities/new" { "Start a community" } }
            }
        }
        section aria-labelledby="directory" {
            h2 #directory { "Find a community" }
            (problems.summary())
            (search_form(&values, &problems))
            @if let Some((entries, next)) = &results {
                @if entries.is_empty() {
                    p { @if searching { "No community matches this search." } @else { "No communities yet." } }
                } @else {
                    p.meta role="status" { (entries.len()) @if entries.len() == 1 { " community" } @else { " communities" }
                        @if searching { " match" @if entries.len() == 1 { "es" } } }
                    ul.cards { @for entry in entries { li { (card(entry)) } } }
                }
                @if let Some(next) = next {
                    p { a.button.secondary href=(next_page(&values, next)) { "More communities" } }
                }
            }
        }
    };
    page.render(problems.status(), "Communities", html! {}, body)
}

fn search_form(values: &Fields, problems: &Problems) -> Markup {
    let text = |name: &str, kind: &str, label: form::Label| {
        form::input(
            name,
            name,
            kind,
            label,
            values.get(name),
            problems.for_field(name),
        )
    };
    html! {
        form.search.card method="get" action="/" role="search" aria-label="Communities" {
            div.wide { (text("q", "search", label("Search").hint("Words from a title, summary or charter."))) }
            (text("topic", "text", label("Topic")))
            (form::select("stage", label("Stage"), STAGES, values.get("stage"), problems.for_field("stage")))
            (text("org", "text", label("Organisation")))
            (text("lang", "text", label("Language tag")))
            (form::select("cadence", label("Meets"), CADENCES, values.get("cadence"), problems.for_field("cadence")))
            div.field { button type="submit" { "Search" } }
        }
    }
}

/// The address of the next page of the same search.
fn next_page(values: &Fields, next: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = PARAMS[..6]
        .iter()
        .filter(|p| !values.get(p).is_empty())
        .map(|p| (*p, values.get(p)))
        .collect();
    pairs.push(("page", next));
    format!(
        "/?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// One community: title, handle, purpose, topics, stage and figures.
fn card(entry: &EntryRow) -> Markup {
    let href = if entry.local {
        Some(format!(
            "/c/{}",
            entry.handle.split('@').next().unwrap_or_default()
        ))
    } else {
        super::remote::original(&entry.ap_id).map(String::from)
    };
    let blurb = if entry.charter.purpose.trim().is_empty() {
        markdown::sanitized_text(&markdown::to_html(&entry.summary))
    } else {
        entry.charter.purpose.clone()
    };
    html! {
        article.card {
            h3 {
                @match &href {
                    Some(href) if entry.local => a href=(href) { (entry.title) },
                    Some(href) => a href=(href) rel="nofollow noopener" { (entry.title) },
                    None => (entry.title),
                }
            }
            p.handle { "@" (entry.handle)
                @if !entry.local { " · from " (super::remote::domain_link(&entry.host, &entry.ap_id)) } }
            p { (blurb) }
            p {
                @if let Some(stage) = entry.charter.stage { span.stage { (stage.as_str()) } " " }
                @for topic in &entry.charter.topics { span.tag { (topic) } }
            }
            p.meta {
                (entry.member_count) @if entry.member_count == 1 { " member" } @else { " members" }
                @if let Some(next) = entry.next_event_at { " · next event " (next.format("%-d %b %Y")) }
                @if entry.stale { " · not heard from lately" }
            }
        }
    }
}
