//! `GET /c/{name}/feed.atom`: a community's Atom feed (built with the
//! `atom_syndication` crate): its newest posts (milestones among them) and
//! its upcoming events, newest change first.

use crate::{
    db,
    error::{AppError, AppResult},
    federation::context::Federation,
    services::{event, post},
};
use actix_web::{HttpResponse, web};
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, Utc};

/// How many posts and how many events the feed carries.
const FEED_POSTS: i64 = 30;
const FEED_EVENTS: i64 = 20;

/// A link of `rel` to `href`.
fn link(rel: &str, href: &str, mime_type: Option<&str>) -> Link {
    let mut link = Link::default();
    link.set_rel(rel);
    link.set_href(href);
    link.set_mime_type(mime_type.map(str::to_string));
    link
}

/// An author by name and page.
fn person(name: String, uri: &str) -> Person {
    let mut person = Person::default();
    person.set_name(name);
    person.set_uri(Some(uri.to_string()));
    person
}

/// An entry: its id (the object's URL), title, author, times and HTML.
fn entry(
    id: &str,
    title: String,
    author: Person,
    published: DateTime<Utc>,
    updated: Option<DateTime<Utc>>,
    html: String,
) -> Entry {
    let mut entry = Entry::default();
    entry.set_id(id);
    entry.set_title(Text::plain(title));
    entry.set_links(vec![link("alternate", id, Some("text/html"))]);
    entry.set_authors(vec![author]);
    entry.set_published(Some(published.fixed_offset()));
    entry.set_updated(updated.unwrap_or(published).fixed_offset());
    let mut content = Content::default();
    content.set_content_type(Some("html".to_string()));
    content.set_value(Some(html));
    entry.set_content(Some(content));
    entry
}

/// `GET /c/{name}/feed.atom`.
pub async fn community_feed(
    fed: web::Data<Federation>,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let state = &fed.state;
    let mut conn = state.pool.get().await?;
    let community = db::community::find_local(&mut conn, &name)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no community named `{name}`")))?;
    drop(conn);
    let page = state.urls.community(&community.name);
    let (posts, _) = post::list_posts(state, &community, None, FEED_POSTS).await?;
    let events = event::list_events(state, &community, false, FEED_EVENTS, false).await?;
    let mut entries: Vec<Entry> = posts
        .iter()
        .map(|p| {
            let author = person(p.author_name(), p.author_ap_id());
            let title = super::post::heading(&p.row, 120);
            entry(
                &p.row.ap_id,
                title,
                author,
                p.row.published,
                p.row.updated,
                p.row.content.clone(),
            )
        })
        .collect();
    entries.extend(events.iter().map(|e| {
        let row = &e.row;
        let author = person(e.organiser.shown_name(), &e.organiser.ap_id);
        let when = format!(
            "{} ({})",
            row.starts_local.format("%Y-%m-%d %H:%M"),
            row.timezone
        );
        let html = maud::html! {
            p { strong { (when) } }
            (maud::PreEscaped(&row.description))
        }
        .into_string();
        entry(
            &row.ap_id,
            format!("Event: {} — {when}", row.title),
            author,
            row.published,
            row.updated,
            html,
        )
    }));
    entries.sort_by_key(|e| std::cmp::Reverse(*e.updated()));
    let mut feed = Feed::default();
    feed.set_id(page.as_str());
    feed.set_title(Text::plain(community.title.clone()));
    feed.set_subtitle(Some(Text::plain(community.summary.clone())));
    feed.set_updated(
        entries
            .first()
            .map(|e| *e.updated())
            .unwrap_or_else(|| community.updated_at.fixed_offset()),
    );
    let mut own = page.clone();
    own.set_path(&format!("{}/feed.atom", page.path()));
    feed.set_links(vec![
        link("self", own.as_str(), Some("application/atom+xml")),
        link("alternate", page.as_str(), Some("text/html")),
    ]);
    feed.set_entries(entries);
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(feed.to_string()))
}
