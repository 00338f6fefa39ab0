//! Local people's events: create, change, cancel and delete, each in one
//! transaction with what goes out (`Outgoing::Event*`). Who may: anyone who
//! may start a post in the community creates; the organiser or a
//! moderator changes, cancels and deletes.

use super::{
    EventView,
    draft::{self, EventChanges, EventInput},
    series, view,
};
use crate::{
    db::{self, DbConn, community::CommunityRow, event::EventRow, person::PersonRow},
    domain::{FieldError, event::EventStatus, milestone::Milestone},
    error::{AppError, AppResult},
    services::{
        AppState, milestone,
        outgoing::Outgoing,
        post::{standing, store::Origin},
    },
};
use chrono::Utc;
use diesel_async::AsyncConnection;

/// Creates an event (a series when it has a rule) in a local community.
pub async fn create(
    state: &AppState,
    organiser: &PersonRow,
    community: &CommunityRow,
    input: EventInput,
) -> AppResult<EventView> {
    if !community.local {
        return Err(AppError::forbidden(
            "events are created on the community's own instance",
        ));
    }
    let mut checked = draft::check(input)?;
    checked.fields.practice = draft::practice_of(
        checked.fields.practice.as_deref(),
        community.charter.as_ref(),
    )?;
    let mut conn = state.pool.get().await?;
    standing::check(&mut conn, community, organiser, None, Origin::Local).await?;
    let row = conn
        .transaction(async |conn| {
            let id = db::event::next_id(conn).await?;
            let ap_id = state.urls.event(id).to_string();
            let who = db::event::EventIdentity {
                ap_id: &ap_id,
                community_id: community.id,
                organiser_id: organiser.id,
                series_id: None,
                occurrence_start: None,
                local: true,
            };
            let row = db::event::insert(conn, Some(id), &who, &checked.fields).await?;
            if row.rrule.is_some() {
                series::materialise(conn, state, &row, Utc::now()).await?;
            } else {
                state
                    .emit(conn, Outgoing::EventPublished { event_id: row.id })
                    .await?;
            }
            let first = Milestone::FirstEvent {
                title: row.title.clone(),
            };
            milestone::celebrate(conn, state, community, first).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    view(&mut conn, row, Some(organiser)).await
}

/// Loads a local event that `person` may change (organiser or moderator).
pub(super) async fn editable(
    conn: &mut DbConn,
    person: &PersonRow,
    id: i64,
) -> AppResult<EventRow> {
    let row = db::event::find(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("no such event"))?;
    if !row.local {
        return Err(AppError::forbidden(
            "a remote event is changed on its own instance",
        ));
    }
    if row.organiser_id != person.id {
        let community = db::community::find(conn, row.community_id)
            .await?
            .ok_or_else(|| AppError::not_found("the event's community is gone"))?;
        crate::services::community::require_moderator(conn, &community, person).await?;
    }
    Ok(row)
}

/// Changes an event. A one-off event or a single occurrence takes any
/// change (moving an occurrence moves only it); a series takes changes to
/// everything but its times, and passes them on to its coming occurrences.
pub async fn update(
    state: &AppState,
    person: &PersonRow,
    id: i64,
    changes: EventChanges,
) -> AppResult<EventView> {
    let mut conn = state.pool.get().await?;
    let current = editable(&mut conn, person, id).await?;
    let is_series = current.rrule.is_some() && current.series_id.is_none();
    if is_series && changes.moves() {
        return Err(FieldError::new(
            "start",
            "the times of a series stay: move single occurrences, or cancel the series and create a new one",
        )
        .into());
    }
    let mut checked = draft::check(changes.clone().apply(&current))?;
    if changes.practice.is_some() {
        let community = db::community::find(&mut conn, current.community_id)
            .await?
            .ok_or_else(|| AppError::not_found("the event's community is gone"))?;
        checked.fields.practice = draft::practice_of(
            checked.fields.practice.as_deref(),
            community.charter.as_ref(),
        )?;
    }
    let row = conn
        .transaction(async |conn| {
            let row = db::event::update(conn, current.id, &checked.fields).await?;
            if is_series {
                for occurrence in db::event::occurrences(conn, row.id).await? {
                    if occurrence.ends_at < Utc::now() {
                        continue;
                    }
                    let mut fields = draft::check(changes.clone().apply(&occurrence))
                        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?
                        .fields;
                    fields.rrule = None;
                    db::event::update(conn, occurrence.id, &fields).await?;
                    state
                        .emit(
                            conn,
                            Outgoing::EventChanged {
                                event_id: occurrence.id,
                            },
                        )
                        .await?;
                }
            } else {
                state
                    .emit(conn, Outgoing::EventChanged { event_id: row.id })
                    .await?;
            }
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    view(&mut conn, row, Some(person)).await
}

/// Cancels an event (a series: with its coming occurrences).
pub async fn cancel(state: &AppState, person: &PersonRow, id: i64) -> AppResult<EventView> {
    let changes = EventChanges {
        status: Some(EventStatus::Cancelled),
        ..EventChanges::default()
    };
    update(state, person, id, changes).await
}

/// Deletes an event (a series: with its occurrences).
pub async fn delete(state: &AppState, person: &PersonRow, id: i64) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    let row = editable(&mut conn, person, id).await?;
    conn.transaction(async |conn| {
        let mut gone = db::event::occurrences(conn, row.id).await?;
        gone.push(row.clone());
        for event in gone
            .iter()
            .filter(|e| e.rrule.is_none() || e.series_id.is_some())
        {
            let happened = Outgoing::EventDeleted {
                community_id: event.community_id,
                organiser_id: event.organiser_id,
                ap_id: event.ap_id.clone(),
            };
            state.emit(conn, happened).await?;
        }
        db::event::delete(conn, row.id).await
    })
    .await?;
    Ok(())
}
