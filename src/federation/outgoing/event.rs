//! Local events as activities: the organiser's `Create`, `Update` and
//! `Delete{Event}`, announced by the community like a post (and boosted
//! bare to Mastodon), and the community's `Accept` or `Reject` of a remote
//! person's `Join` / `TentativeAccept`.

use super::{bad, deliver, event_object::event_object};
use crate::{
    db,
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity, AnyObject, Reference},
        lenient::{IdOrObject, PUBLIC},
        note::{Mention, PostKind, PostObject, Tag},
    },
    services::event::view,
    urls::Urls,
};
use diesel::{QueryResult, result::Error::NotFound};
use diesel_async::AsyncPgConnection;
use url::Url;

/// The organiser's `Create` (new) or `Update` of the event, announced by
/// its community; a new event is also boosted bare to Mastodon.
pub async fn published(
    conn: &mut AsyncPgConnection,
    urls: &Urls,
    event_id: i64,
    kind: ActivityKind,
) -> QueryResult<()> {
    let row = db::event::find(conn, event_id).await?.ok_or(NotFound)?;
    let view = view(conn, row, None).await.map_err(bad)?;
    let object = event_object(&view);
    let mut activity = Activity::new(
        kind,
        urls.activity_id(&format!("{kind:?}")),
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
    deliver::member_activity(conn, urls, &view.community, activity, boost).await
}

/// The organiser's `Delete` of an event that is gone.
pub async fn deleted(
    conn: &mut AsyncPgConnection,
    urls: &Urls,
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
        urls.activity_id("Delete"),
        Url::parse(&organiser.ap_id).map_err(bad)?,
        Reference(Url::parse(ap_id).map_err(bad)?),
    );
    delete.audience = Url::parse(&community.ap_id).ok();
    delete.to = [Url::parse(PUBLIC).map_err(bad)?]
        .into_iter()
        .chain(delete.audience.clone())
        .collect();
    deliver::member_activity(conn, urls, &community, AnyActivity::Delete(delete), None).await
}

/// The community's `Accept` or `Reject` of a remote person's `Join` (or
/// `TentativeAccept`) `activity_id`, embedded as `{id, type, actor, object}`.
pub async fn answered(
    conn: &mut AsyncPgConnection,
    urls: &Urls,
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
        urls.activity_id(&format!("{kind:?}")),
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
    urls: &Urls,
    event_id: i64,
    person_id: i64,
    reply_id: &str,
    accepted: bool,
) -> QueryResult<()> {
    let row = db::event::find(conn, event_id).await?.ok_or(NotFound)?;
    let person = db::person::find(conn, person_id).await?.ok_or(NotFound)?;
    let rsvp = db::rsvp::find(conn, event_id, person_id).await?;
    let view = view(conn, row, None).await.map_err(bad)?;
    let who = Url::parse(&person.ap_id).map_err(bad)?;
    let handle = match &person.username {
        Some(name) => format!("@{name}@{}", person.domain),
        None => format!("@{}", person.shown_name()),
    };
    let said = match (accepted, rsvp.map(|r| r.status)) {
        (false, _) => {
            "could not be counted: the event is full, cancelled, over or by invitation".to_string()
        }
        (true, Some(status)) => format!("is counted: {}", status.as_str().replace('_', " ")),
        (true, None) => "is counted".to_string(),
    };
    let text = format!(
        "{handle} your answer to “{}” {said}. {} going.",
        view.row.title, view.going
    );
    let mut note = PostObject::new(PostKind::Note, urls.activity_id("Note"));
    note.content = Some(format!(
        "<p><span class=\"h-card\"><a href=\"{}\" class=\"u-url mention\">{}</a></span>{}</p>",
        maud::html! { (who.as_str()) }.into_string(),
        maud::html! { (handle) }.into_string(),
        maud::html! { (text.trim_start_matches(&handle)) }.into_string(),
    ));
    note.attributed_to = Url::parse(&view.community.ap_id).ok();
    note.in_reply_to = Url::parse(reply_id).ok();
    note.to = vec![who.clone()];
    note.tag = vec![Tag::Mention(Mention {
        href: who.clone(),
        name: Some(handle),
    })];
    note.published = Some(chrono::Utc::now().fixed_offset());
    let group = note.attributed_to.clone().ok_or(NotFound)?;
    let mut create = Activity::new(
        ActivityKind::Create,
        urls.activity_id("Create"),
        group,
        AnyObject::Post(Box::new(note)),
    );
    create.to = vec![who];
    let inbox = person.shared_inbox.clone().unwrap_or(person.inbox.clone());
    deliver::publish(conn, create, &[inbox]).await
}
