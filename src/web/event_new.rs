//! `/c/{name}/events/new`: plan an event in a community (when, in which
//! time zone, where or online, how many places); it opens as its page.

use super::{
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::{
    domain::{FieldError, event::Place},
    services::{
        community,
        event::{draft::EventInput, store},
    },
};
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use maud::html;

/// Time zones offered first (any IANA name is taken).
const ZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
];

fn render(
    page: &Page,
    name: &str,
    title: &str,
    values: &Fields,
    problems: &Problems,
) -> HttpResponse {
    let field = |field: &str, kind: &str, label: form::Label| {
        form::input(
            field,
            field,
            kind,
            label,
            values.get(field),
            problems.for_field(field),
        )
    };
    let zone = if values.get("timezone").is_empty() {
        "UTC"
    } else {
        values.get("timezone")
    };
    let body = html! {
        p.meta { a href={ "/c/" (name) } { "← " (title) } }
        h1 { "Plan an event in " (title) }
        (problems.summary())
        form.card method="post" action={ "/c/" (name) "/events" } {
            (page.csrf_field())
            (field("title", "text", label("Title").required()))
            (form::textarea("description", label("What happens").hint("Markdown."), values.get("description"), 5, problems.for_field("description")))
            div.row {
                (field("start", "datetime-local", label("Starts").required()))
                (field("end", "datetime-local", label("Ends").required()))
            }
            div.field.invalid[problems.for_field("timezone").is_some()] {
                label for="timezone" { "Time zone " span.required { "(required)" } }
                p.hint #timezone-hint { "An IANA name, such as Europe/Berlin." }
                input #timezone name="timezone" type="text" list="zones" value=(zone) required
                    aria-describedby={ "timezone-hint" @if problems.for_field("timezone").is_some() { " timezone-error" } }
                    aria-invalid=[problems.for_field("timezone").map(|_| "true")];
                datalist #zones { @for z in ZONES { option value=(z); } }
                @if let Some(error) = problems.for_field("timezone") {
                    p.field-error #timezone-error { strong { "Error: " } (error) }
                }
            }
            div.row {
                (form::input("location.name", "location.name", "text", label("Place").hint("Optional: the venue."),
                    values.get("location.name"), problems.for_field("location")))
                (field("online_url", "url", label("Online link").hint("Optional: where to join online.")))
            }
            (field("capacity", "number", label("Places").hint("Optional: leave empty for no limit.")))
            p { button type="submit" { "Create the event" } }
        }
    };
    page.render(
        problems.status(),
        &format!("Plan an event in {title}"),
        html! {},
        body,
    )
}

/// A local date and time as the browser's `datetime-local` sends it.
fn local_time(values: &Fields, field: &str) -> Result<NaiveDateTime, FieldError> {
    let value = values.get(field).trim();
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| FieldError::new(field, "must be a date and time, such as 2027-03-09T09:00"))
}

/// The event the form describes.
fn read(values: &Fields) -> Result<EventInput, FieldError> {
    let capacity = match values.optional("capacity") {
        None => None,
        Some(n) => Some(
            n.parse::<i64>()
                .map_err(|_| FieldError::new("capacity", "must be a whole number"))?,
        ),
    };
    Ok(EventInput {
        title: values.get("title").to_string(),
        description: values.get("description").to_string(),
        start: local_time(values, "start")?,
        end: local_time(values, "end")?,
        timezone: values.get("timezone").trim().to_string(),
        location: values.optional("location.name").map(|name| Place {
            name,
            ..Place::default()
        }),
        online_url: values.optional("online_url"),
        capacity,
        ..EventInput::default()
    })
}

/// `GET /c/{name}/events/new` (signed in).
pub async fn new_event_page(page: Page, name: web::Path<String>) -> HttpResponse {
    if let Err(sign_in) = page.signed_in(&format!("/c/{name}/events/new")) {
        return *sign_in;
    }
    match community::get_community(&page.fed.state, &name).await {
        Ok(view) => render(
            &page,
            &name,
            &view.row.title,
            &Fields::default(),
            &Problems::none(),
        ),
        Err(err) => page.error(&err),
    }
}

/// `POST /c/{name}/events`: creates it and goes to its page.
pub async fn create_event(page: Page, name: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let organiser = match page.signed_in(&format!("/c/{name}/events/new")) {
        Ok(organiser) => organiser,
        Err(sign_in) => return *sign_in,
    };
    let view = match community::get_community(&page.fed.state, &name).await {
        Ok(view) => view,
        Err(err) => return page.error(&err),
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, &name, &view.row.title, &values, &Problems::expired());
    }
    let created = async {
        let input = read(&values)?;
        store::create(&page.fed.state, organiser, &view.row, input).await
    };
    match created.await {
        Ok(event) => page.see_other(&format!("/events/{}", event.row.id)),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &name, &view.row.title, &values, &problems),
            Err(err) => page.error(&err),
        },
    }
}
