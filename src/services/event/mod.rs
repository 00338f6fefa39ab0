//! Events of communities: creating and changing them (`store`), checking
//! what people ask (`draft`), keeping a recurring series' next occurrences
//! as events of their own (`series`), answering them (`rsvp`), the
//! events of remote communities (`remote`), and a person's private
//! calendar feed (`feed`).

pub mod draft;
pub mod feed;
pub mod remote;
pub mod rsvp;
pub mod series;
pub mod store;

use super::AppState;
use crate::{
    db::{self, community::CommunityRow, event::EventRow, person::PersonRow, rsvp::RsvpRow},
    domain::event::{RsvpStatus, schedule::Schedule},
    error::{AppError, AppResult},
};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

/// An event with its community, organiser and answers, as readers see it.
#[derive(Clone, Debug)]
pub struct EventView {
    pub row: EventRow,
    pub community: CommunityRow,
    pub organiser: PersonRow,
    pub going: i64,
    pub interested: i64,
    /// For a series: its occurrences.
    pub occurrences: Vec<EventRow>,
    /// Who answered, when the reader is a member (names are for members).
    pub attendees: Option<Vec<(PersonRow, RsvpRow)>>,
}

/// The schedule a stored event keeps.
pub fn schedule_of(row: &EventRow) -> Schedule {
    let timezone = row.timezone.parse().unwrap_or(chrono_tz::UTC);
    Schedule {
        start: row.starts_local,
        end: row.ends_local,
        timezone,
    }
}

/// Loads the view of an event row; `reader` sees attendees' names when they
/// are a member of the community or moderate it.
pub async fn view(
    conn: &mut AsyncPgConnection,
    row: EventRow,
    reader: Option<&PersonRow>,
) -> AppResult<EventView> {
    let community = db::community::find(conn, row.community_id)
        .await?
        .ok_or_else(|| AppError::not_found("the event's community is gone"))?;
    let names_shown = match reader {
        Some(reader) => is_member(conn, &community, reader).await?,
        None => false,
    };
    view_in(conn, row, community, names_shown).await
}

/// The view of an event row of `community` (`names_shown`: with who answered).
async fn view_in(
    conn: &mut AsyncPgConnection,
    row: EventRow,
    community: CommunityRow,
    names_shown: bool,
) -> AppResult<EventView> {
    let organiser = db::person::find(conn, row.organiser_id)
        .await?
        .ok_or_else(|| AppError::not_found("the event's organiser is gone"))?;
    let going = match row.remote_going {
        Some(n) if !row.local => i64::from(n),
        _ => db::rsvp::count(conn, row.id, RsvpStatus::Going).await?,
    };
    let interested = db::rsvp::count(conn, row.id, RsvpStatus::Interested).await?;
    let occurrences = if row.rrule.is_some() && row.series_id.is_none() {
        db::event::occurrences(conn, row.id).await?
    } else {
        Vec::new()
    };
    let attendees = if names_shown {
        Some(
            db::rsvp::attendees(conn, row.id)
                .await?
                .into_iter()
                .map(|(rsvp, person)| (person, rsvp))
                .collect(),
        )
    } else {
        None
    };
    Ok(EventView {
        row,
        community,
        organiser,
        going,
        interested,
        occurrences,
        attendees,
    })
}

async fn is_member(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    person: &PersonRow,
) -> AppResult<bool> {
    if person.is_admin
        || db::community::moderator_ids(conn, community.id)
            .await?
            .contains(&person.id)
    {
        return Ok(true);
    }
    Ok(matches!(
        db::follow::find(conn, community.id, person.id).await?,
        Some((db::follow::FollowState::Accepted, _))
    ))
}

/// The event `id`.
pub async fn get_event(
    state: &AppState,
    id: i64,
    reader: Option<&PersonRow>,
) -> AppResult<EventView> {
    let mut conn = state.pool.get().await?;
    let row = db::event::find(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("no such event"))?;
    view(&mut conn, row, reader).await
}

/// A community's events people attend: upcoming first (soonest first), or
/// past ones (latest first).
pub async fn list_events(
    state: &AppState,
    community: &CommunityRow,
    past: bool,
    limit: i64,
    reader: Option<&PersonRow>,
) -> AppResult<Vec<EventView>> {
    let mut conn = state.pool.get().await?;
    let rows = db::event::list(&mut conn, community.id, Utc::now(), past, limit).await?;
    let names_shown = match reader {
        Some(reader) => is_member(&mut conn, community, reader).await?,
        None => false,
    };
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        views.push(view_in(&mut conn, row, community.clone(), names_shown).await?);
    }
    Ok(views)
}

/// Whether an event is over at `now`.
pub fn is_over(row: &EventRow, now: DateTime<Utc>) -> bool {
    row.ends_at < now
}
