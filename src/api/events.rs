//! Events: `/api/v1/communities/{handle}/events` (create, list) and
//! `/api/v1/events/{id}` (read, change, delete, `cancel`, `rsvp`).

use super::{
    Page,
    auth::{MaybeSignedIn, SignedIn},
    json,
};
use crate::{
    domain::event::{EventStatus, JoinMode, Place, RsvpState, RsvpStatus},
    error::AppResult,
    federation::{context::Federation, handle},
    services::event::{
        self, EventView,
        draft::{EventChanges, EventInput},
        rsvp, store,
    },
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// Someone who answered an event.
#[derive(Debug, Serialize, Deserialize)]
pub struct Attendee {
    /// `name` or `name@host`.
    pub person: String,
    pub status: RsvpStatus,
    pub state: RsvpState,
}

/// An occurrence of a series, in brief.
#[derive(Debug, Serialize, Deserialize)]
pub struct OccurrenceResponse {
    pub id: i64,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub status: EventStatus,
}

/// An event as the API shows it (`start`/`end`: local times in `timezone`;
/// `starts_at`/`ends_at`: the same instants in UTC).
#[derive(Debug, Serialize, Deserialize)]
pub struct EventResponse {
    pub id: i64,
    pub ap_id: String,
    pub community: String,
    pub organiser: String,
    pub title: String,
    /// Sanitised HTML.
    pub description: String,
    pub source: Option<String>,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub timezone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: Option<Place>,
    pub online_url: Option<String>,
    pub capacity: Option<i32>,
    pub join_mode: JoinMode,
    pub status: EventStatus,
    pub practice: Option<String>,
    pub rrule: Option<String>,
    /// For an occurrence: its series.
    pub series_id: Option<i64>,
    /// For a series: its occurrences so far.
    pub occurrences: Vec<OccurrenceResponse>,
    pub going: i64,
    pub interested: i64,
    /// Who answered (members only), with the organiser's answer
    /// (`pending` waits for a moderator in approval mode).
    pub attendees: Option<Vec<Attendee>>,
    /// iCalendar `SEQUENCE`: raised on every change.
    pub sequence: i32,
    pub local: bool,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
}

fn handle(name: &str, domain: &str, local: bool) -> String {
    if local {
        name.to_string()
    } else {
        format!("{name}@{domain}")
    }
}

impl From<EventView> for EventResponse {
    fn from(v: EventView) -> Self {
        let row = v.row;
        EventResponse {
            id: row.id,
            ap_id: row.ap_id,
            community: handle(&v.community.name, &v.community.domain, v.community.local),
            organiser: v.organiser.handle(),
            title: row.title,
            description: row.description,
            source: row.source,
            start: row.starts_local,
            end: row.ends_local,
            timezone: row.timezone,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            location: row.place,
            online_url: row.online_url,
            capacity: row.capacity,
            join_mode: row.join_mode,
            status: row.status,
            practice: row.practice,
            rrule: row.rrule,
            series_id: row.series_id,
            occurrences: v
                .occurrences
                .into_iter()
                .map(|o| OccurrenceResponse {
                    id: o.id,
                    start: o.starts_local,
                    end: o.ends_local,
                    status: o.status,
                })
                .collect(),
            going: v.going,
            interested: v.interested,
            attendees: v.attendees.map(|people| {
                people
                    .into_iter()
                    .map(|(p, rsvp)| Attendee {
                        person: p.handle(),
                        status: rsvp.status,
                        state: rsvp.state,
                    })
                    .collect()
            }),
            sequence: row.sequence,
            local: row.local,
            published: row.published,
            updated: row.updated,
        }
    }
}

/// `POST /api/v1/communities/{handle}/events` → 201 with the event (a
/// series, with its first occurrences, when it has an `rrule`).
pub async fn create_event(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: EventInput = json::parse(&body, "")?;
    let community = handle::community(&fed, &path, true).await?;
    let view = store::create(&fed.state, &person, &community, input).await?;
    Ok(HttpResponse::Created().json(EventResponse::from(view)))
}

/// `GET /api/v1/communities/{handle}/events?past=&limit=` query.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    past: bool,
    limit: Option<i64>,
}

/// `GET /api/v1/communities/{handle}/events`: upcoming events and
/// occurrences, soonest first (`past=true`: past ones, latest first).
pub async fn list_events(
    fed: web::Data<Federation>,
    MaybeSignedIn(reader): MaybeSignedIn,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let community = handle::community(&fed, &path, reader.is_some()).await?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let names_shown = event::shows_names(&fed.state, &community, reader.as_ref()).await?;
    let views = event::list_events(&fed.state, &community, query.past, limit, names_shown).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: views
            .into_iter()
            .map(EventResponse::from)
            .collect::<Vec<_>>(),
        next: None,
    }))
}

/// `GET /api/v1/events/{id}`.
pub async fn get_event(
    fed: web::Data<Federation>,
    MaybeSignedIn(reader): MaybeSignedIn,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let view = event::get_event(&fed.state, *id, reader.as_ref()).await?;
    Ok(HttpResponse::Ok().json(EventResponse::from(view)))
}

/// `PATCH /api/v1/events/{id}`: the organiser or a moderator changes it.
pub async fn update_event(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let changes: EventChanges = json::parse(&body, "")?;
    let view = store::update(&fed.state, &person, *id, changes).await?;
    Ok(HttpResponse::Ok().json(EventResponse::from(view)))
}

/// `DELETE /api/v1/events/{id}` → 204.
pub async fn delete_event(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    store::delete(&fed.state, &person, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/events/{id}/cancel`.
pub async fn cancel_event(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let view = store::cancel(&fed.state, &person, *id).await?;
    Ok(HttpResponse::Ok().json(EventResponse::from(view)))
}

/// `POST /api/v1/events/{id}/rsvp` body.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RsvpInput {
    pub status: RsvpStatus,
}

/// `POST /api/v1/events/{id}/rsvp` `{status}` → the event with its counts.
pub async fn rsvp_event(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: RsvpInput = json::parse(&body, "")?;
    let view = rsvp::answer(&fed.state, &person, *id, input.status).await?;
    Ok(HttpResponse::Ok().json(EventResponse::from(view)))
}

/// A private calendar feed's address.
#[derive(Debug, Serialize, Deserialize)]
pub struct CalendarFeed {
    pub url: String,
}

/// `POST /api/v1/calendar` → 201 `{url}`: a new secret address of the
/// caller's calendar (the events they answered); the old one stops working.
pub async fn create_calendar_feed(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
) -> AppResult<HttpResponse> {
    let url = event::feed::regenerate(&fed.state, &person).await?;
    Ok(HttpResponse::Created().json(CalendarFeed { url }))
}

/// `POST /api/v1/events/{id}/attendees/approve|reject` body.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendeeDecision {
    /// `name`, `name@host` or an actor URL.
    pub person: String,
}

async fn decide_attendee(
    fed: &Federation,
    me: &crate::db::person::PersonRow,
    id: i64,
    body: &[u8],
    approve: bool,
) -> AppResult<HttpResponse> {
    let input: AttendeeDecision = json::parse(body, "")?;
    let person = handle::person(fed, &input.person).await?;
    rsvp::decide_pending(&fed.state, me, id, &person, approve).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/events/{id}/attendees/approve` `{person}`: a moderator or
/// the organiser lets a pending participant come (approval mode).
pub async fn approve_attendee(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    id: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    decide_attendee(&fed, &me, *id, &body, true).await
}

/// `POST /api/v1/events/{id}/attendees/reject` `{person}`.
pub async fn reject_attendee(
    fed: web::Data<Federation>,
    SignedIn(me): SignedIn,
    id: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    decide_attendee(&fed, &me, *id, &body, false).await
}
