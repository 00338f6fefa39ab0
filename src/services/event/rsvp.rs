//! Answering events: local people through the API, remote people through
//! `Join` / `TentativeAccept` / `Leave`. Both meet `domain::event::decide_rsvp`
//! under a lock on the event, so the capacity holds; a remote person's
//! answer goes out as `Accept` or `Reject` (`Outgoing::RsvpAnswered`).

use super::{EventView, is_over, view};
use crate::{
    db::{self, event::EventRow, person::PersonRow},
    domain::{
        FieldError,
        event::{Occasion, RsvpRefusal, RsvpState, RsvpStatus, decide_rsvp},
    },
    error::{AppError, AppResult},
    services::{AppState, outgoing::Outgoing},
};
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// Decides and records `person`'s answer to the locked event `event`.
async fn record(
    conn: &mut AsyncPgConnection,
    event: &EventRow,
    person: &PersonRow,
    status: RsvpStatus,
    activity_id: Option<&str>,
) -> diesel::QueryResult<Result<RsvpState, RsvpRefusal>> {
    let banned = db::community::is_banned(conn, event.community_id, person.id).await?;
    let mine = db::rsvp::find(conn, event.id, person.id).await?;
    let mut going_others = db::rsvp::count(conn, event.id, RsvpStatus::Going).await?;
    if mine
        .as_ref()
        .is_some_and(|r| r.status == RsvpStatus::Going && r.state == RsvpState::Accepted)
    {
        going_others -= 1;
    }
    let occasion = Occasion {
        status: event.status,
        over: is_over(event, Utc::now()),
        join_mode: event.join_mode,
        capacity: event.capacity,
        going_others,
    };
    let verdict = decide_rsvp(occasion, status, banned);
    if let Ok(state) = verdict {
        db::rsvp::upsert(conn, event.id, person.id, status, state, activity_id).await?;
    }
    Ok(verdict)
}

/// A local person answers an event of a local community.
pub async fn answer(
    state: &AppState,
    person: &PersonRow,
    event_id: i64,
    status: RsvpStatus,
) -> AppResult<EventView> {
    let mut conn = state.pool.get().await?;
    let verdict = conn
        .transaction(async |conn| {
            let event = db::event::lock(conn, event_id)
                .await?
                .ok_or(diesel::result::Error::NotFound)?;
            if event.rrule.is_some() && event.series_id.is_none() {
                return Ok(None);
            }
            if !event.local {
                return ask_remote(conn, state, &event, person, status)
                    .await
                    .map(|state| Some(Ok(state)));
            }
            let verdict = record(conn, &event, person, status, None).await?;
            if verdict.is_ok() {
                let happened = Outgoing::AttendanceChanged { event_id: event.id };
                state.emit(conn, happened).await?;
            }
            Ok::<_, diesel::result::Error>(Some(verdict.map_err(|refusal| refusal.message())))
        })
        .await;
    match verdict {
        Err(diesel::result::Error::NotFound) => Err(AppError::not_found("no such event")),
        Err(other) => Err(other.into()),
        Ok(None) => Err(FieldError::new(
            "status",
            "answer a single occurrence of a series, not the series",
        )
        .into()),
        Ok(Some(Err(why))) => Err(FieldError::new("status", why).into()),
        Ok(Some(Ok(_))) => {
            let row = db::event::find(&mut conn, event_id)
                .await?
                .ok_or_else(|| AppError::not_found("no such event"))?;
            view(&mut conn, row, Some(person)).await
        }
    }
}

/// A local person answers a remote event: recorded as pending (not going:
/// as it is) until its organiser answers, and sent as `Join`,
/// `TentativeAccept` or `Leave`.
async fn ask_remote(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    event: &EventRow,
    person: &PersonRow,
    status: RsvpStatus,
) -> diesel::QueryResult<RsvpState> {
    let kind = match status {
        RsvpStatus::Going => "Join",
        RsvpStatus::Interested => "TentativeAccept",
        RsvpStatus::NotGoing => "Leave",
    };
    let activity_id = state.urls.activity_id(kind).to_string();
    let asked = if status == RsvpStatus::NotGoing {
        RsvpState::Accepted
    } else {
        RsvpState::Pending
    };
    db::rsvp::upsert(conn, event.id, person.id, status, asked, Some(&activity_id)).await?;
    let happened = Outgoing::RsvpSent {
        event_id: event.id,
        person_id: person.id,
        activity_id,
        status,
    };
    state.emit(conn, happened).await?;
    Ok(asked)
}

/// An organiser's `Accept` (or `Reject`) of a local person's answer to a
/// remote event, the activity `asked`; false when we sent no such answer.
pub async fn answered_by_organiser(
    state: &AppState,
    event: &EventRow,
    asked: &str,
    accepted: bool,
) -> AppResult<bool> {
    let mut conn = state.pool.get().await?;
    let Some(rsvp) = db::rsvp::find_by_activity(&mut conn, asked).await? else {
        return Ok(false);
    };
    if rsvp.event_id != event.id || rsvp.status == RsvpStatus::NotGoing {
        return Ok(false);
    }
    let answer = if accepted {
        RsvpState::Accepted
    } else {
        RsvpState::Rejected
    };
    db::rsvp::set_state(&mut conn, rsvp.event_id, rsvp.person_id, answer).await?;
    Ok(true)
}

/// A moderator (or the organiser) decides on a pending participant of a
/// local event in approval mode: approved, they count (if a seat is still
/// free); rejected, they do not. A remote participant is told with
/// `Accept` or `Reject`.
pub async fn decide_pending(
    state: &AppState,
    decider: &PersonRow,
    event_id: i64,
    person: &PersonRow,
    approve: bool,
) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    super::store::editable(&mut conn, decider, event_id).await?;
    let refusal = conn
        .transaction(async |conn| {
            let event = db::event::lock(conn, event_id)
                .await?
                .ok_or(diesel::result::Error::NotFound)?;
            let Some(rsvp) = db::rsvp::find(conn, event.id, person.id)
                .await?
                .filter(|r| r.state == RsvpState::Pending)
            else {
                return Ok(Some("no pending answer from this person"));
            };
            let capacity_left = match event.capacity {
                Some(c) => db::rsvp::count(conn, event.id, RsvpStatus::Going).await? < i64::from(c),
                None => true,
            };
            if approve && !capacity_left {
                return Ok(Some("the event is full"));
            }
            let decided = if approve {
                RsvpState::Accepted
            } else {
                RsvpState::Rejected
            };
            db::rsvp::set_state(conn, event.id, person.id, decided).await?;
            if let (false, Some(asked)) = (person.local, rsvp.activity_id) {
                let answered = Outgoing::RsvpAnswered {
                    event_id: event.id,
                    person_id: person.id,
                    activity_id: asked,
                    accepted: approve,
                    by_mention: false,
                };
                state.emit(conn, answered).await?;
            }
            let counts = Outgoing::AttendanceChanged { event_id: event.id };
            state.emit(conn, counts).await?;
            Ok::<_, diesel::result::Error>(None)
        })
        .await?;
    match refusal {
        Some(why) => Err(AppError::conflict(why)),
        None => Ok(()),
    }
}

/// A remote person's `Join` (going), `TentativeAccept` (interested) or,
/// with `status` = `None`, `Leave`, for a local event; `activity_id` is the
/// asking activity, which the `Accept` or `Reject` names (`by_mention`: a
/// reply, answered with a direct mention instead). Returns the refusal's
/// reason when refused.
pub async fn answer_remote(
    state: &AppState,
    person: &PersonRow,
    event: &EventRow,
    status: Option<RsvpStatus>,
    activity_id: &str,
    by_mention: bool,
) -> AppResult<Option<&'static str>> {
    let mut conn = state.pool.get().await?;
    let refusal = conn
        .transaction(async |conn| {
            let event = db::event::lock(conn, event.id)
                .await?
                .ok_or(diesel::result::Error::NotFound)?;
            let counts_changed = Outgoing::AttendanceChanged { event_id: event.id };
            let Some(status) = status else {
                db::rsvp::delete(conn, event.id, person.id).await?;
                state.emit(conn, counts_changed).await?;
                return Ok(None);
            };
            let verdict = record(conn, &event, person, status, Some(activity_id)).await?;
            let happened = Outgoing::RsvpAnswered {
                event_id: event.id,
                person_id: person.id,
                activity_id: activity_id.to_string(),
                accepted: verdict.is_ok(),
                by_mention,
            };
            if verdict != Ok(RsvpState::Pending) {
                state.emit(conn, happened).await?;
            }
            if verdict.is_ok() {
                state.emit(conn, counts_changed).await?;
            }
            Ok::<_, diesel::result::Error>(verdict.err().map(|r| r.message()))
        })
        .await?;
    Ok(refusal)
}
