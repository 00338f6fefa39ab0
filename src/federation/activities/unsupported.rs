//! The activities we know we cannot handle, in one place. The inbox refuses
//! them before storing anything (422 with the reason), so the sender learns
//! at once instead of believing a 202; the processor consults the same list
//! first. `Join`, `TentativeAccept` and `Leave` of our events, and the
//! answers to our people's, are handled (`rsvp`); events of other instances
//! are taken from their community's announce (`remote_event`), so a
//! `Create`/`Update{Event}` sent to us directly is on this list.

use crate::protocol::{
    activity::{ActivityKind, Announced, AnyActivity, AnyObject},
    actor::ActorKind,
    lenient::IdOrObject,
};

/// Why we cannot handle `activity`, when it is of a shape we never take.
pub fn reason(activity: &AnyActivity) -> Option<String> {
    match activity {
        // A partner's instance actor lists its communities (`partner`).
        AnyActivity::Create(create) => match &create.object {
            AnyObject::Actor(actor) if actor.kind == ActorKind::Group => None,
            other => created(other),
        },
        AnyActivity::Update(update) => match &update.object {
            AnyObject::Event(_) => Some(EVENTS.into()),
            AnyObject::Post(_) | AnyObject::Actor(_) => None,
        },
        AnyActivity::Accept(answer) | AnyActivity::Reject(answer) => match &answer.object {
            IdOrObject::Object(inner) if !ANSWERABLE.contains(&inner.kind()) => Some(format!(
                "only answers to follows and RSVPs are handled, not to `{:?}`",
                inner.kind()
            )),
            _ => None,
        },
        AnyActivity::Undo(undo) => match &undo.object {
            IdOrObject::Object(inner) if !UNDOABLE.contains(&inner.kind()) => {
                Some(format!("undoing `{:?}` is not handled", inner.kind()))
            }
            _ => None,
        },
        AnyActivity::Announce(announce) => match &announce.object {
            IdOrObject::Object(announced) => match announced.as_ref() {
                Announced::Activity(inner) if NEVER_ANNOUNCED.contains(&inner.kind()) => Some(
                    format!("`{:?}` is not taken from an announce", inner.kind()),
                ),
                Announced::Activity(inner) => match inner.as_ref() {
                    AnyActivity::Create(a) | AnyActivity::Update(a) => match &a.object {
                        AnyObject::Event(_) => None,
                        other => created(other),
                    },
                    _ => None,
                },
                Announced::Object(object) => created(object),
            },
            IdOrObject::Id(_) => None,
        },
        other => alone(other.kind()),
    }
}

/// Events of other instances come through their community.
const EVENTS: &str = "events of other instances are taken only from their community's announce";

/// What an `Accept` or `Reject` may answer.
const ANSWERABLE: &[ActivityKind] = &[
    ActivityKind::Follow,
    ActivityKind::Join,
    ActivityKind::TentativeAccept,
];

/// What a top-level `Undo` may take back.
const UNDOABLE: &[ActivityKind] = &[
    ActivityKind::Follow,
    ActivityKind::Like,
    ActivityKind::Dislike,
    ActivityKind::Delete,
    ActivityKind::Announce,
];

/// What a community's announce never carries to us.
const NEVER_ANNOUNCED: &[ActivityKind] = &[
    ActivityKind::Follow,
    ActivityKind::Accept,
    ActivityKind::Reject,
    ActivityKind::Announce,
    ActivityKind::Join,
    ActivityKind::Leave,
    ActivityKind::TentativeAccept,
    ActivityKind::Flag,
    ActivityKind::Add,
    ActivityKind::Remove,
];

/// Only posts are created (and boosted) here.
fn created(object: &AnyObject) -> Option<String> {
    match object {
        AnyObject::Post(_) => None,
        AnyObject::Event(_) => Some(EVENTS.into()),
        AnyObject::Actor(_) => Some("actors are not created or boosted this way".into()),
    }
}

/// Activity types refused whatever they carry.
fn alone(kind: ActivityKind) -> Option<String> {
    match kind {
        ActivityKind::Flag => Some("reports (`Flag`) are not handled yet".into()),
        ActivityKind::Block | ActivityKind::Add | ActivityKind::Remove | ActivityKind::Lock => {
            Some(format!(
                "`{kind:?}` is taken only from a community's announce"
            ))
        }
        _ => None,
    }
}
