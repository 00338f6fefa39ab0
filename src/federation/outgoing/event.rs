//! Local events as activities: the organiser's `Create`, `Update` and
//! `Delete{Event}`, announced by the community like a post (and boosted
//! bare to Mastodon), and the community's `Accept` or `Reject` of a remote
//! person's `Join` / `TentativeAccept`.

use super::{Translator, bad, deliver, event_object::event_object, mention::direct_note};
use crate::{
    db,
    domain::event::RsvpStatus,
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity, AnyObject, Reference},
        lenient::{IdOrObject, PUBLIC},
    },
    services::event::{EventView, schedule_of, view},
};
use diesel::{QueryResult, result::Error::NotFound};
use diesel_async::AsyncPgConnection;
use url::Url;

/// The organiser's `Create` (new) or `Update` of the event, announced by
/// its community; a new event is also boosted bare to Mastodon.
pub async fn published(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    event_id: i64,
    kind: ActivityKind,
) -> QueryResult<()> {
    let view = announce_event(conn, out, event_id, kind).await?;
    if kind == ActivityKind::Update {
        notify_attendees(conn, out, &view).await?;
    }
    Ok(())
}

/// The organiser's `Create` or `Update`, announced by the community.
async fn announce_event(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    event_id: i64,
    kind: ActivityKind,
) -> QueryResult<EventView> {
    let row = db::event::find(conn, event_id).await?.ok_or(NotFound)?;
    let view = view(conn, row, None).await.map_err(bad)?;
    let object = event_object(&view);
    let mut activity = Activity::new(
        kind,
        out.urls.activity_id(&format!("{kind:?}")),
        Url::parse(&view.organiser.ap_id).map_err(bad)?,
        AnyObject::Event(Box::new(object.clone())),
    );
    activity.to = object.to.clone();
    activity.cc = object.cc.clone();
    activity.audience = object.audience.clone();
    let (activity, boost) = if kind == ActivityKind::Create {
        (AnyActivity::Create(activity), Some(object.id))
    } else {
        (AnyActivity::Update(activity), None)
    };
    deliver::member_activity(conn, out, &view.community, activity, boost).await?;
    Ok(view)
}

/// The organiser's `Delete` of an event that is gone.
pub async fn deleted(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community_id: i64,
    organiser_id: i64,
    ap_id: &str,
) -> QueryResult<()> {
    let community = db::community::find(conn, community_id)
        .await?
        .ok_or(NotFound)?;
    let organiser = db::person::find(conn, organiser_id)
        .await?
        .ok_or(NotFound)?;
    let mut delete = Activity::new(
        ActivityKind::Delete,
        out.urls.activity_id("Delete"),
        Url::parse(&organiser.ap_id).map_err(bad)?,
        Reference(Url::parse(ap_id).map_err(bad)?),
    );
    delete.audience = Url::parse(&community.ap_id).ok();
    delete.to = [Url::parse(PUBLIC).map_err(bad)?]
        .into_iter()
        .chain(delete.audience.clone())
        .collect();
    deliver::member_activity(conn, out, &community, AnyActivity::Delete(delete), None).await
}

/// The community's `Accept` or `Reject` of a remote person's `Join` (or
/// `TentativeAccept`) `activity_id`, embedded as `{id, type, actor, object}`.
pub async fn answered(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    event_id: i64,
    person_id: i64,
    activity_id: &str,
    accepted: bool,
) -> QueryResult<()> {
    let event = db::event::find(conn, event_id).await?.ok_or(NotFound)?;
    let community = db::community::find(conn, event.community_id)
        .await?
        .ok_or(NotFound)?;
    let person = db::person::find(conn, person_id).await?.ok_or(NotFound)?;
    let rsvp = db::rsvp::find(conn, event_id, person_id).await?;
    let asked_kind = match rsvp.map(|r| r.status) {
        Some(crate::domain::event::RsvpStatus::Interested) => ActivityKind::TentativeAccept,
        _ => ActivityKind::Join,
    };
    let asked = Activity::new(
        asked_kind,
        Url::parse(activity_id).map_err(bad)?,
        Url::parse(&person.ap_id).map_err(bad)?,
        Reference(Url::parse(&event.ap_id).map_err(bad)?),
    );
    let asked = if asked_kind == ActivityKind::Join {
        AnyActivity::Join(asked)
    } else {
        AnyActivity::TentativeAccept(asked)
    };
    let kind = if accepted {
        ActivityKind::Accept
    } else {
        ActivityKind::Reject
    };
    let mut answer = Activity::new(
        kind,
        out.urls.activity_id(&format!("{kind:?}")),
        Url::parse(&community.ap_id).map_err(bad)?,
        IdOrObject::Object(Box::new(asked)),
    );
    answer.to = vec![Url::parse(&person.ap_id).map_err(bad)?];
    let inbox = person.shared_inbox.clone().unwrap_or(person.inbox.clone());
    deliver::publish(conn, answer, &[inbox]).await
}

/// The community's direct mention confirming (or refusing) an answer that
/// came as a reply (`reply_id`: the reply), for software that cannot
/// join events (Mastodon): the person sees that it counted.
pub async fn confirmed(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    event_id: i64,
    person_id: i64,
    reply_id: &str,
    accepted: bool,
) -> QueryResult<()> {
    let row = db::event::find(conn, event_id).await?.ok_or(NotFound)?;
    let person = db::person::find(conn, person_id).await?.ok_or(NotFound)?;
    let rsvp = db::rsvp::find(conn, event_id, person_id).await?;
    let view = view(conn, row, None).await.map_err(bad)?;
    let said = match (accepted, rsvp.map(|r| r.status)) {
        (false, _) => {
            "could not be counted: the event is full, cancelled, over or by invitation".to_string()
        }
        (true, Some(status)) => format!("is counted: {}", status.as_str().replace('_', " ")),
        (true, None) => "is counted".to_string(),
    };
    let text = format!(
        "your answer to “{}” {said}. {} going.",
        view.row.title, view.going
    );
    let reply = Url::parse(reply_id).ok();
    direct_note(conn, out, &view.community, &person, &text, reply).await
}

/// Tells the people who answered a changed event, on software that does not
/// follow groups (Mastodon), what it looks like now, by a direct mention
/// threaded under the event; group-aware software has the `Update`.
async fn notify_attendees(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    view: &EventView,
) -> QueryResult<()> {
    let what = if view.row.status == crate::domain::event::EventStatus::Cancelled {
        "is cancelled".to_string()
    } else {
        format!("changed: {}", schedule_of(&view.row).readable())
    };
    let text = format!("“{}” {what}. {}", view.row.title, view.row.ap_id);
    let event = Url::parse(&view.row.ap_id).ok();
    for (_, person) in db::rsvp::attendees(conn, view.row.id).await? {
        if person.local {
            continue;
        }
        let software = db::peer::software(conn, &person.domain).await?;
        if !deliver::is_group_aware(software.as_deref()) {
            direct_note(conn, out, &view.community, &person, &text, event.clone()).await?;
        }
    }
    Ok(())
}

/// The event's answers changed: its `Update` goes to group-aware followers
/// (with the new `participantCount`), and no one is notified.
pub async fn attendance_changed(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    event_id: i64,
) -> QueryResult<()> {
    announce_event(conn, out, event_id, ActivityKind::Update)
        .await
        .map(|_| ())
}

/// A local person's `Join` (going), `TentativeAccept` (interested) or
/// `Leave` (not going) of a remote event, to its community's inbox.
pub async fn rsvp_sent(
    conn: &mut AsyncPgConnection,
    event_id: i64,
    person_id: i64,
    activity_id: &str,
    status: RsvpStatus,
) -> QueryResult<()> {
    let event = db::event::find(conn, event_id).await?.ok_or(NotFound)?;
    let community = db::community::find(conn, event.community_id)
        .await?
        .ok_or(NotFound)?;
    let person = db::person::find(conn, person_id).await?.ok_or(NotFound)?;
    let mut asked = Activity::new(
        match status {
            RsvpStatus::Going => ActivityKind::Join,
            RsvpStatus::Interested => ActivityKind::TentativeAccept,
            RsvpStatus::NotGoing => ActivityKind::Leave,
        },
        Url::parse(activity_id).map_err(bad)?,
        Url::parse(&person.ap_id).map_err(bad)?,
        Reference(Url::parse(&event.ap_id).map_err(bad)?),
    );
    asked.to = vec![Url::parse(&community.ap_id).map_err(bad)?];
    let inbox = community
        .shared_inbox
        .clone()
        .unwrap_or(community.inbox.clone());
    deliver::publish(conn, asked, &[inbox]).await
}
