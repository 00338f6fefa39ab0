//! The `event_rsvps` table: who comes to which event (or occurrence), and
//! the organiser's answer.

use super::schema::{event_rsvps, people};
use crate::domain::event::{RsvpState, RsvpStatus};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::collections::HashMap;

/// One person's RSVP.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = event_rsvps)]
pub struct RsvpRow {
    pub event_id: i64,
    pub person_id: i64,
    pub status: RsvpStatus,
    pub state: RsvpState,
    pub activity_id: Option<String>,
}

/// Records (or replaces) a person's RSVP.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    event_id: i64,
    person_id: i64,
    status: RsvpStatus,
    state: RsvpState,
    activity_id: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(event_rsvps::table)
        .values((
            event_rsvps::event_id.eq(event_id),
            event_rsvps::person_id.eq(person_id),
            event_rsvps::status.eq(status.as_str()),
            event_rsvps::state.eq(state.as_str()),
            event_rsvps::activity_id.eq(activity_id),
        ))
        .on_conflict((event_rsvps::event_id, event_rsvps::person_id))
        .do_update()
        .set((
            event_rsvps::status.eq(status.as_str()),
            event_rsvps::state.eq(state.as_str()),
            event_rsvps::activity_id.eq(activity_id),
            event_rsvps::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Sets the organiser's answer to a person's RSVP.
pub async fn set_state(
    conn: &mut AsyncPgConnection,
    event_id: i64,
    person_id: i64,
    state: RsvpState,
) -> QueryResult<()> {
    diesel::update(event_rsvps::table.find((event_id, person_id)))
        .set((
            event_rsvps::state.eq(state.as_str()),
            event_rsvps::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A person's RSVP to an event.
pub async fn find(
    conn: &mut AsyncPgConnection,
    event_id: i64,
    person_id: i64,
) -> QueryResult<Option<RsvpRow>> {
    event_rsvps::table
        .find((event_id, person_id))
        .select(RsvpRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The RSVP whose asking activity is `activity_id`.
pub async fn find_by_activity(
    conn: &mut AsyncPgConnection,
    activity_id: &str,
) -> QueryResult<Option<RsvpRow>> {
    event_rsvps::table
        .filter(event_rsvps::activity_id.eq(activity_id))
        .select(RsvpRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Removes a person's RSVP.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    event_id: i64,
    person_id: i64,
) -> QueryResult<()> {
    diesel::delete(event_rsvps::table.find((event_id, person_id)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Accepted RSVPs of an event with `status`.
pub async fn count(
    conn: &mut AsyncPgConnection,
    event_id: i64,
    status: RsvpStatus,
) -> QueryResult<i64> {
    event_rsvps::table
        .filter(event_rsvps::event_id.eq(event_id))
        .filter(event_rsvps::status.eq(status.as_str()))
        .filter(event_rsvps::state.eq(RsvpState::Accepted.as_str()))
        .count()
        .get_result(conn)
        .await
}

/// Accepted RSVPs of each of the events `event_ids` by status, by event
/// id (an event nobody answered so is left out). One query for all.
pub async fn counts(
    mut conn: &AsyncPgConnection,
    event_ids: &[i64],
) -> QueryResult<HashMap<(i64, RsvpStatus), i64>> {
    let counted: Vec<(i64, String, i64)> = event_rsvps::table
        .filter(event_rsvps::event_id.eq_any(event_ids))
        .filter(event_rsvps::state.eq(RsvpState::Accepted.as_str()))
        .group_by((event_rsvps::event_id, event_rsvps::status))
        .select((
            event_rsvps::event_id,
            event_rsvps::status,
            diesel::dsl::count_star(),
        ))
        .load(&mut conn)
        .await?;
    Ok(counted
        .into_iter()
        .filter_map(|(event, status, n)| Some(((event, status.parse().ok()?), n)))
        .collect())
}

/// Who answered an event (accepted or pending), with their actor id and
/// handle parts, for members' eyes and for notifying them of changes.
pub async fn attendees(
    conn: &mut AsyncPgConnection,
    event_id: i64,
) -> QueryResult<Vec<(RsvpRow, super::person::PersonRow)>> {
    attendees_of(conn, &[event_id]).await
}

/// Who answered any of the events `event_ids`, as [`attendees`], oldest
/// answer first. One query.
pub async fn attendees_of(
    mut conn: &AsyncPgConnection,
    event_ids: &[i64],
) -> QueryResult<Vec<(RsvpRow, super::person::PersonRow)>> {
    event_rsvps::table
        .inner_join(people::table)
        .filter(event_rsvps::event_id.eq_any(event_ids))
        .filter(event_rsvps::state.ne(RsvpState::Rejected.as_str()))
        .select((RsvpRow::as_select(), super::person::PersonRow::as_select()))
        .order(event_rsvps::created_at.asc())
        .load(&mut conn)
        .await
}

/// The events a person said they go to or are interested in (for their
/// private calendar feed), newest start first, at most `limit`.
pub async fn events_of(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    limit: i64,
) -> QueryResult<Vec<super::event::EventRow>> {
    use super::schema::events;
    event_rsvps::table
        .inner_join(events::table)
        .filter(event_rsvps::person_id.eq(person_id))
        .filter(event_rsvps::status.ne(RsvpStatus::NotGoing.as_str()))
        .filter(event_rsvps::state.ne(RsvpState::Rejected.as_str()))
        .select(super::event::EventRow::as_select())
        .order(events::starts_at.desc())
        .limit(limit)
        .load(conn)
        .await
}
