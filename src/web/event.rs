//! `/events/{id}`: an event page (the link Mastodon shows under a boosted
//! `Event`): when in its own time zone, where, the answers so far, how to
//! answer from Mastodon, and the calendar file.

use super::layout;
use crate::{
    domain::event::EventStatus,
    federation::context::Federation,
    services::event::{self, schedule_of},
};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::{PreEscaped, html};

/// `GET /events/{id}` (HTML).
pub async fn event_page(state: web::Data<Federation>, id: web::Path<i64>) -> HttpResponse {
    let instance = &state.settings.instance_name;
    let view = match event::get_event(&state, *id, None).await {
        Ok(view) => view,
        Err(err) => return layout::error_page(instance, &err),
    };
    let row = &view.row;
    let handle = format!("@{}@{}", view.community.name, view.community.domain);
    let body = html! {
        p { a href=(view.community.ap_id) { (view.community.title) } }
        h1 { (row.title) }
        @if row.status == EventStatus::Cancelled { p { strong { "Cancelled." } } }
        dl {
            dt { "When" } dd { (schedule_of(row).readable()) }
            @if let Some(rule) = &row.rrule { dt { "Repeats" } dd { code { (rule) } } }
            @if let Some(place) = &row.place { dt { "Where" } dd { (place.one_line()) } }
            @if let Some(url) = &row.online_url { dt { "Online" } dd { a href=(url) rel="nofollow noopener" { (url) } } }
            dt { "Answers" } dd { (view.going) " going · " (view.interested) " interested"
                @if let Some(capacity) = row.capacity { " · " (capacity) " places" } }
        }
        (PreEscaped(row.description.clone()))
        @for occurrence in &view.occurrences {
            p { a href=(occurrence.ap_id) { (schedule_of(occurrence).readable()) }
                @if occurrence.status == EventStatus::Cancelled { " (cancelled)" } }
        }
        p { a href={ "/events/" (row.id) ".ics" } { "Add to calendar (.ics)" } }
        p { "From Mastodon: follow " code { (handle) } " and reply “going”, “interested” or “not going” to the event." }
    };
    let when = schedule_of(row).readable();
    let head = layout::open_graph("event", &row.title, &when, &row.ap_id);
    super::html(
        StatusCode::OK,
        layout::page_with_head(instance, &row.title, head, body),
    )
}
