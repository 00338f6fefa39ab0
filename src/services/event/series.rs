//! Recurring sessions: a series keeps its next occurrences (see
//! `recurrence::WINDOW`) as events of their own, so that every peer gets
//! each one as an `Event` and people answer each one. `top_up` runs
//! periodically and adds the next occurrence as one passes.

use super::schedule_of;
use crate::{
    db::{self, event::EventRow},
    domain::event::{
        EventStatus,
        recurrence::{Recurrence, WINDOW},
    },
    error::AppResult,
    services::{AppState, outgoing::Outgoing},
};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// Adds occurrences of `series` until `WINDOW` of them end after `now`;
/// returns how many it added. Runs in the caller's transaction.
pub async fn materialise(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    series: &EventRow,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let Some(rule) = series.rrule.as_deref() else {
        return Ok(0);
    };
    let schedule = schedule_of(series);
    let Ok(recurrence) = Recurrence::new(rule, &schedule) else {
        return Ok(0);
    };
    let existing = db::event::occurrences(conn, series.id).await?;
    let coming = existing.iter().filter(|o| o.ends_at >= now).count();
    if coming >= WINDOW {
        return Ok(0);
    }
    // After the last one we have, and not before now (minus one session's
    // length, so a session under way still counts).
    let length = series.ends_at - series.starts_at;
    let last = existing.iter().filter_map(|o| o.occurrence_start).max();
    let after = last
        .and_then(|l| crate::domain::event::schedule::instant(l, schedule.timezone))
        .unwrap_or(series.starts_at - chrono::Duration::seconds(1))
        .max(now - length);
    let mut added = 0;
    for start in recurrence.starts_after(after, WINDOW - coming) {
        let known = existing.iter().any(|o| o.occurrence_start == Some(start));
        let Some(when) = schedule.moved_to(start).filter(|_| !known) else {
            continue;
        };
        let id = db::event::next_id(conn).await?;
        let ap_id = state.urls.event(id).to_string();
        let who = db::event::EventIdentity {
            ap_id: &ap_id,
            community_id: series.community_id,
            organiser_id: series.organiser_id,
            series_id: Some(series.id),
            occurrence_start: Some(start),
            local: true,
        };
        let mut fields = occurrence_fields(series);
        fields.starts_local = when.start;
        fields.ends_local = when.end;
        fields.starts_at = when.starts_at();
        fields.ends_at = when.ends_at();
        let row = db::event::insert(conn, Some(id), &who, &fields).await?;
        state
            .emit(conn, Outgoing::EventPublished { event_id: row.id })
            .await?;
        added += 1;
    }
    Ok(added)
}

/// What an occurrence inherits from its series.
fn occurrence_fields(series: &EventRow) -> db::event::EventFields {
    db::event::EventFields {
        title: series.title.clone(),
        description: series.description.clone(),
        source: series.source.clone(),
        starts_local: series.starts_local,
        ends_local: series.ends_local,
        timezone: series.timezone.clone(),
        starts_at: series.starts_at,
        ends_at: series.ends_at,
        place: series.place.clone(),
        online_url: series.online_url.clone(),
        capacity: series.capacity,
        join_mode: series.join_mode,
        status: EventStatus::Confirmed,
        practice: series.practice.clone(),
        rrule: None,
        remote_going: None,
    }
}

/// Tops up every local series that has fewer than `WINDOW` occurrences to
/// come; returns how many occurrences it added.
pub async fn top_up(state: &AppState, now: DateTime<Utc>) -> AppResult<usize> {
    let mut conn = state.pool.get().await?;
    let window = i64::try_from(WINDOW).unwrap_or(i64::MAX);
    let mut added = 0;
    for id in db::event::series_short_of(&mut conn, window, now).await? {
        added += conn
            .transaction(async |conn| match db::event::lock(conn, id).await? {
                Some(series) => materialise(conn, state, &series, now).await,
                None => Ok(0),
            })
            .await?;
    }
    Ok(added)
}
