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
use std::collections::HashMap;
use std::sync::Arc;

/// An event with its community, organiser and answers, as readers see it.
#[derive(Clone, Debug)]
pub struct EventView {
    pub row: EventRow,
    /// Shared by the views of one list (a page holds many).
    pub community: Arc<CommunityRow>,
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
    views_in(conn, vec![row], &community, names_shown)
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("no such event"))
}

/// The views of event rows of `community` (`names_shown`: with who
/// answered), read together: organisers, answer counts, occurrences and
/// answers in a few queries for the whole list instead of a few per event.
async fn views_in(
    conn: &mut AsyncPgConnection,
    rows: Vec<EventRow>,
    community: &CommunityRow,
    names_shown: bool,
) -> AppResult<Vec<EventView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let organiser_ids: Vec<i64> = rows.iter().map(|r| r.organiser_id).collect();
    let series: Vec<i64> = rows
        .iter()
        .filter(|r| r.rrule.is_some() && r.series_id.is_none())
        .map(|r| r.id)
        .collect();
    // Sent together on the one connection (pipelined): one round trip.
    let shared: &AsyncPgConnection = conn;
    let (organisers, counts, occurrences, answers) = futures_util::try_join!(
        db::person::find_many(shared, &organiser_ids),
        db::rsvp::counts(shared, &ids),
        async {
            if series.is_empty() {
                Ok(Vec::new())
            } else {
                db::event::occurrences_of(shared, &series).await
            }
        },
        async {
            if names_shown {
                db::rsvp::attendees_of(shared, &ids).await
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    let organisers: HashMap<i64, PersonRow> = organisers.into_iter().map(|p| (p.id, p)).collect();
    let counted = |id: i64, status| counts.get(&(id, status)).copied().unwrap_or(0);
    let community = Arc::new(community.clone());
    rows.into_iter()
        .map(|row| {
            let organiser = organisers
                .get(&row.organiser_id)
                .cloned()
                .ok_or_else(|| AppError::not_found("the event's organiser is gone"))?;
            let going = match row.remote_going {
                Some(n) if !row.local => i64::from(n),
                _ => counted(row.id, RsvpStatus::Going),
            };
            let attendees = names_shown.then(|| {
                answers
                    .iter()
                    .filter(|(rsvp, _)| rsvp.event_id == row.id)
                    .map(|(rsvp, person)| (person.clone(), rsvp.clone()))
                    .collect()
            });
            Ok(EventView {
                community: community.clone(),
                organiser,
                going,
                interested: counted(row.id, RsvpStatus::Interested),
                occurrences: occurrences
                    .iter()
                    .filter(|o| o.series_id == Some(row.id))
                    .cloned()
                    .collect(),
                attendees,
                row,
            })
        })
        .collect()
}

/// Whether `reader` sees who answered a community's events: its accepted
/// members, moderators and admins do.
pub async fn shows_names(
    state: &AppState,
    community: &CommunityRow,
    reader: Option<&PersonRow>,
) -> AppResult<bool> {
    match reader {
        Some(reader) => {
            let mut conn = state.pool.get().await?;
            is_member(&mut conn, community, reader).await
        }
        None => Ok(false),
    }
}

async fn is_member(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    person: &PersonRow,
) -> AppResult<bool> {
    if person.is_admin {
        return Ok(true);
    }
    Ok(db::standing::find(conn, community.id, person.id)
        .await?
        .takes_part())
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
/// past ones (latest first); with who answered when `names_shown`
/// ([`shows_names`]: the caller may know it already).
pub async fn list_events(
    state: &AppState,
    community: &CommunityRow,
    past: bool,
    limit: i64,
    names_shown: bool,
) -> AppResult<Vec<EventView>> {
    let mut conn = state.pool.get().await?;
    let rows = db::event::list(&mut conn, community.id, Utc::now(), past, limit).await?;
    views_in(&mut conn, rows, community, names_shown).await
}

/// Whether an event is over at `now`.
pub fn is_over(row: &EventRow, now: DateTime<Utc>) -> bool {
    row.ends_at < now
}
