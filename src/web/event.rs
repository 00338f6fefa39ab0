//! `/events/{id}`: an event page (the link Mastodon shows under a boosted
//! `Event`): when in its own time zone, where, the answers so far, the
//! RSVP buttons (`POST /events/{id}/rsvp`: going, interested, not going),
//! how to answer from Mastodon, and the calendar file.

use super::{
    form::{Fields, Problems},
    page::Page,
    remote,
};
use crate::{
    domain::event::{EventStatus, RsvpStatus},
    services::event::{self, rsvp, schedule_of},
};
use actix_web::{HttpResponse, web};
use maud::html;

/// The answers, as the buttons offer them.
const ANSWERS: &[(RsvpStatus, &str, &str)] = &[
    (RsvpStatus::Going, "going", "Going"),
    (RsvpStatus::Interested, "interested", "Interested"),
    (RsvpStatus::NotGoing, "not_going", "Not going"),
];

/// `GET /events/{id}` (HTML).
pub async fn event_page(page: Page, id: web::Path<i64>) -> HttpResponse {
    render(&page, *id, &Problems::none()).await
}

/// `POST /events/{id}/rsvp` `status=going|interested|not_going`: answers
/// and shows the event again.
pub async fn rsvp_event(page: Page, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let person = match page.signed_in(&format!("/events/{id}")) {
        Ok(person) => person,
        Err(sign_in) => return *sign_in,
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, *id, &Problems::expired()).await;
    }
    let Some((status, _, _)) = ANSWERS.iter().find(|(_, v, _)| *v == values.get("status")) else {
        return render(
            &page,
            *id,
            &Problems::field("status", "choose going, interested or not going"),
        )
        .await;
    };
    match rsvp::answer(&page.fed.state, person, *id, *status).await {
        Ok(_) => page.see_other(&format!("/events/{id}#rsvp")),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, *id, &problems).await,
            Err(err) => page.error(&err),
        },
    }
}

async fn render(page: &Page, id: i64, problems: &Problems) -> HttpResponse {
    let view = match event::get_event(&page.fed.state, id, page.viewer.as_ref()).await {
        Ok(view) => view,
        Err(err) => return page.error(&err),
    };
    let row = &view.row;
    let handle = format!("@{}@{}", view.community.name, view.community.domain);
    let mine = page.viewer.as_ref().and_then(|viewer| {
        view.attendees
            .as_ref()?
            .iter()
            .find(|(person, _)| person.id == viewer.id)
            .map(|(_, answer)| answer.status)
    });
    let body = html! {
        p.meta { "← " (remote::community(&view.community)) }
        h1 { (row.title) }
        @if row.status == EventStatus::Cancelled { div.alert { p { strong { "This event is cancelled." } } } }
        div.layout {
            div {
                dl.charter.card {
                    dt { "When" } dd { (schedule_of(row).readable()) }
                    @if let Some(rule) = &row.rrule { dt { "Repeats" } dd { code { (rule) } } }
                    @if let Some(place) = &row.place { dt { "Where" } dd { (place.one_line()) } }
                    @if let Some(url) = row.online_url.as_deref().and_then(remote::original) {
                        dt { "Online" } dd { a href=(url.as_str()) rel="nofollow noopener" { (url.as_str()) } }
                    }
                    dt { "Organiser" } dd { (remote::person(&view.organiser)) }
                    @if !row.local {
                        dt { "Home" } dd { (remote::domain_link(&view.community.domain, &row.ap_id)) }
                    }
                }
                (super::content::embed(&row.description))
                @if !view.occurrences.is_empty() {
                    h2 { "Next dates" }
                    ul {
                        @for occurrence in &view.occurrences {
                            li { a href={ "/events/" (occurrence.id) } { (schedule_of(occurrence).readable()) }
                                @if occurrence.status == EventStatus::Cancelled { " (cancelled)" } }
                        }
                    }
                }
            }
            aside aria-label="Answers" {
                section.card #rsvp aria-labelledby="rsvp-heading" {
                    h2 #rsvp-heading { "Will you come?" }
                    p { span.count { (view.going) } " going · " span.count { (view.interested) } " interested"
                        @if let Some(capacity) = row.capacity { " · " (capacity) " places" } }
                    (problems.summary())
                    @if page.viewer.is_some() && row.status != EventStatus::Cancelled {
                        form method="post" action={ "/events/" (row.id) "/rsvp" } {
                            (page.csrf_field())
                            @if let Some(status) = mine {
                                p { "Your answer: " strong { (ANSWERS.iter().find(|(s, _, _)| *s == status).map_or("", |a| a.2)) } }
                            }
                            div.actions role="group" aria-label="Your answer" {
                                @for (status, value, shown) in ANSWERS {
                                    button.secondary[mine != Some(*status)] type="submit" name="status" value=(value)
                                        aria-pressed=(if mine == Some(*status) { "true" } else { "false" }) { (shown) }
                                }
                            }
                        }
                    } @else if page.viewer.is_none() {
                        p { a href={ "/login?next=/events/" (row.id) } { "Sign in" } " to answer." }
                    }
                    p.meta { "From Mastodon: follow " code { (handle) } " and reply “going”, “interested” or “not going” to the event." }
                    p { a href={ "/events/" (row.id) ".ics" } { "Add to calendar (.ics)" } }
                }
            }
        }
    };
    let when = schedule_of(row).readable();
    let head = super::layout::open_graph("event", &row.title, &when, &row.ap_id);
    page.render(problems.status(), &row.title, head, body)
}
