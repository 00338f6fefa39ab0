//! iCalendar (RFC 5545) feeds: a community's events (`/c/{name}/events.ics`),
//! one event (`/events/{id}.ics`) and a person's answered events at a
//! secret address (`/calendar/{secret}.ics`). A series is one `VEVENT` with its
//! `RRULE`, and each occurrence that was moved, changed or cancelled is a
//! `VEVENT` with the same `UID` and a `RECURRENCE-ID`. Times are local with
//! a `TZID` and a `VTIMEZONE` for each zone used (`timezone`); `UID`s are the
//! events' ActivityPub ids, `SEQUENCE` rises with every change.

mod timezone;

use crate::{
    db::{self, event::EventRow},
    domain::event::EventStatus,
    error::{AppError, AppResult},
    federation::context::Federation,
};
use actix_web::{HttpResponse, web};
use chrono::{Datelike, NaiveDateTime};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};
use std::collections::BTreeMap;

/// At most this many events in a community feed.
const FEED_LIMIT: i64 = 2_000;

/// Writes `rows` (series, their occurrences and one-off events) as a calendar.
pub fn calendar(name: &str, rows: &[EventRow]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&text(name));
    let series: BTreeMap<i64, &EventRow> = rows
        .iter()
        .filter(|r| r.rrule.is_some() && r.series_id.is_none())
        .map(|r| (r.id, r))
        .collect();
    let mut zones: BTreeMap<&str, (i32, i32)> = BTreeMap::new();
    for row in rows {
        let year = row.starts_local.year();
        let span = zones.entry(&row.timezone).or_insert((year, year));
        *span = (span.0.min(year), span.1.max(year));
        let mut vevent = match row.series_id.and_then(|id| series.get(&id)) {
            // An occurrence as its series has it: nothing to say.
            Some(_) if !overrides(row) => continue,
            Some(parent) => {
                let mut vevent = vevent(row);
                vevent.uid(&parent.ap_id);
                let original = row.occurrence_start.unwrap_or(row.starts_local);
                vevent.recurrence_id(local(original, &row.timezone));
                vevent
            }
            None => vevent(row),
        };
        calendar.push(vevent.done());
    }
    let text = calendar.done().to_string();
    let zones: String = zones
        .into_iter()
        .filter_map(|(name, (first, last))| {
            let tz: chrono_tz::Tz = name.parse().ok()?;
            Some(timezone::vtimezone(tz, first, last))
        })
        .collect();
    // Time zones go before the first component that uses them.
    let at = text
        .find("BEGIN:VEVENT")
        .or_else(|| text.find("END:VCALENDAR"))
        .unwrap_or(text.len());
    format!("{}{zones}{}", &text[..at], &text[at..])
}

/// Whether an occurrence differs from what its series' rule says.
fn overrides(occurrence: &EventRow) -> bool {
    occurrence.status == EventStatus::Cancelled
        || occurrence.sequence > 0
        || occurrence.occurrence_start != Some(occurrence.starts_local)
}

fn local(at: NaiveDateTime, tzid: &str) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: at,
        tzid: tzid.to_string(),
    }
}

/// A text value without control characters but line breaks and tabs (the
/// crate escapes line breaks, commas and semicolons, not a lone `\r`,
/// which some readers take for the end of a line: a remote title must not
/// add properties of its own).
fn text(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

fn vevent(row: &EventRow) -> Event {
    let mut event = Event::new();
    event
        .uid(&row.ap_id)
        .summary(&text(&row.title))
        .starts(local(row.starts_local, &row.timezone))
        .ends(local(row.ends_local, &row.timezone))
        .sequence(u32::try_from(row.sequence).unwrap_or(0))
        .timestamp(row.updated.unwrap_or(row.published))
        .created(row.published)
        .last_modified(row.updated.unwrap_or(row.published))
        .url(&row.ap_id)
        .status(match row.status {
            EventStatus::Confirmed => icalendar::EventStatus::Confirmed,
            EventStatus::Tentative => icalendar::EventStatus::Tentative,
            EventStatus::Cancelled => icalendar::EventStatus::Cancelled,
        });
    let description = row.source.clone().unwrap_or_else(|| {
        ammonia::Builder::empty()
            .clean(&row.description)
            .to_string()
    });
    if !description.trim().is_empty() {
        event.description(&text(&description));
    }
    let location = match (&row.place, &row.online_url) {
        (Some(place), Some(url)) => Some(format!("{} / {url}", place.one_line())),
        (Some(place), None) => Some(place.one_line()),
        (None, Some(url)) => Some(url.clone()),
        (None, None) => None,
    };
    if let Some(location) = location {
        event.location(&text(&location));
    }
    if let Some(rule) = row.rrule.as_deref().filter(|_| row.series_id.is_none()) {
        event.add_property("RRULE", rule);
    }
    event
}

fn ics(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(body)
}

/// `GET /c/{name}/events.ics`: a local community's events.
pub async fn community_calendar(
    fed: web::Data<Federation>,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = fed.state.pool.get().await?;
    let community = db::community::find_local(&mut conn, &name)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no community named `{name}`")))?;
    let rows = db::event::calendar(&mut conn, community.id, FEED_LIMIT).await?;
    Ok(ics(calendar(&community.title, &rows)))
}

/// `GET /events/{id}.ics`: one event (a series with its changed occurrences).
pub async fn event_calendar(
    fed: web::Data<Federation>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let mut conn = fed.state.pool.get().await?;
    let row = db::event::find(&mut conn, *id)
        .await?
        .ok_or_else(|| AppError::not_found("no such event"))?;
    let mut rows = if row.rrule.is_some() && row.series_id.is_none() {
        db::event::occurrences(&mut conn, row.id).await?
    } else {
        Vec::new()
    };
    rows.insert(0, row);
    let title = rows[0].title.clone();
    Ok(ics(calendar(&title, &rows)))
}

/// `GET /calendar/{secret}.ics`: the events a person answered.
pub async fn person_calendar(
    fed: web::Data<Federation>,
    secret: web::Path<String>,
) -> AppResult<HttpResponse> {
    let rows = crate::services::event::feed::events(&fed.state, &secret).await?;
    Ok(ics(calendar("My events", &rows)))
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn a_lone_carriage_return_cannot_start_a_property_of_its_own() {
        let forged = "Clinic\rATTENDEE:mailto:eve@example.org\u{7}";
        assert_eq!(text(forged), "ClinicATTENDEE:mailto:eve@example.org");
        assert_eq!(text("line one\nline two\tend"), "line one\nline two\tend");
    }
}
