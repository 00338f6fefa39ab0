//! Queuing: stores an activity (with our `@context`) and one delivery row
//! per inbox, in the caller's transaction (`db::delivery::publish`).
//! Nothing here sends; the delivery workers do.
//!
//! A community distributes a member's activity to its followers as
//! FEP-1b12 does: group-aware software gets `Announce{activity}`; other
//! software (Mastodon) gets `Announce{object URI}` for new top-level posts
//! only, which it shows as a boost.

use super::{Translator, bad};
use crate::services::outgoing::Forward;
use crate::{
    db::{self, community::CommunityRow},
    protocol::{
        activity::{Activity, ActivityKind, Announced, AnyActivity},
        jsonld::Context,
        lenient::{IdOrObject, PUBLIC},
    },
};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use std::collections::HashMap;
use url::Url;

/// Stores `activity` and queues it for `inboxes`.
pub async fn publish<O: Serialize>(
    conn: &mut AsyncPgConnection,
    activity: Activity<O>,
    inboxes: &[String],
) -> QueryResult<()> {
    store(conn, &[Serialised::new(activity, inboxes.to_vec())?]).await
}

/// An activity as it is stored (with our `@context`), and its inboxes.
struct Serialised {
    ap_id: String,
    kind: String,
    actor: String,
    body: String,
    inboxes: Vec<String>,
}

impl Serialised {
    fn new<O: Serialize>(mut activity: Activity<O>, inboxes: Vec<String>) -> QueryResult<Self> {
        activity.context = Some(Context);
        Ok(Serialised {
            body: serde_json::to_string(&activity).map_err(bad)?,
            ap_id: activity.id.to_string(),
            kind: format!("{:?}", activity.kind),
            actor: activity.actor.to_string(),
            inboxes,
        })
    }
}

/// Stores activities and queues them, all together.
async fn store(conn: &mut AsyncPgConnection, activities: &[Serialised]) -> QueryResult<()> {
    let publications: Vec<_> = activities
        .iter()
        .map(|a| db::delivery::Publication {
            ap_id: &a.ap_id,
            kind: &a.kind,
            actor: &a.actor,
            body: &a.body,
            inboxes: &a.inboxes,
        })
        .collect();
    db::delivery::publish(conn, &publications).await
}

/// Publishes an [`AnyActivity`] as it is.
pub async fn publish_any(
    conn: &mut AsyncPgConnection,
    activity: AnyActivity,
    inboxes: &[String],
) -> QueryResult<()> {
    match activity {
        AnyActivity::Create(a) | AnyActivity::Update(a) => publish(conn, a, inboxes).await,
        AnyActivity::Delete(a) | AnyActivity::Like(a) => publish(conn, a, inboxes).await,
        AnyActivity::Undo(a) => publish(conn, a, inboxes).await,
        other => Err(bad(format!("cannot publish {:?} here", other.kind()))),
    }
}

/// Sends a member's activity: a local community passes it on to its
/// followers; a remote one receives it in its inbox.
pub async fn member_activity(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community: &CommunityRow,
    inner: AnyActivity,
    boost: Option<Url>,
) -> QueryResult<()> {
    member_activity_also(conn, out, community, inner, boost, &[]).await
}

/// [`member_activity`], and the activity itself to the inboxes `also`
/// (a kudos' recipient).
pub async fn member_activity_also(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community: &CommunityRow,
    inner: AnyActivity,
    boost: Option<Url>,
    also: &[String],
) -> QueryResult<()> {
    if community.local {
        if !also.is_empty() {
            publish_any(conn, inner.clone(), also).await?;
        }
        distribute(conn, out, community, inner, boost).await
    } else {
        let inbox = community
            .shared_inbox
            .clone()
            .unwrap_or_else(|| community.inbox.clone());
        let inboxes: Vec<String> = std::iter::once(inbox).chain(also.iter().cloned()).collect();
        publish_any(conn, inner, &inboxes).await
    }
}

/// Queues a local community's announces of `inner` to its remote followers
/// (and the bare `boost` of a new top-level post to non-group software).
pub async fn distribute(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community: &CommunityRow,
    inner: AnyActivity,
    boost: Option<Url>,
) -> QueryResult<()> {
    distribute_many(conn, out, community, vec![(inner, boost)]).await
}

/// [`distribute`] for several activities at once, in this order: the
/// followers are read once and every announce is stored together.
async fn distribute_many(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community: &CommunityRow,
    activities: Vec<(AnyActivity, Option<Url>)>,
) -> QueryResult<()> {
    let group = Url::parse(&community.ap_id).map_err(bad)?;
    let followers = community
        .followers_url
        .as_deref()
        .and_then(|f| Url::parse(f).ok());
    let mut group_aware = Vec::new();
    let mut others = Vec::new();
    for follower in out.followers.of(conn, community).await?.iter() {
        if is_group_aware(follower.software.as_deref()) {
            group_aware.push(follower.inbox.clone());
        } else {
            others.push(follower.inbox.clone());
        }
    }
    let announcer = Announcer {
        out,
        to: vec![Url::parse(PUBLIC).map_err(bad)?],
        cc: followers.iter().cloned().collect(),
        group,
    };
    let mut announces = Vec::new();
    for (inner, boost) in activities {
        if !group_aware.is_empty() {
            let announce = announcer.announce(IdOrObject::Object(Box::new(inner)));
            announces.push(Serialised::new(announce, group_aware.clone())?);
        }
        if let Some(object) = boost.filter(|_| !others.is_empty()) {
            let announce = announcer.announce(IdOrObject::<Box<Announced>>::Id(object));
            announces.push(Serialised::new(announce, others.clone())?);
        }
    }
    store(conn, &announces).await
}

/// A community's public announces, addressed to its followers.
struct Announcer<'a> {
    out: &'a Translator,
    to: Vec<Url>,
    cc: Vec<Url>,
    group: Url,
}

impl Announcer<'_> {
    fn announce<O>(&self, object: O) -> Activity<O> {
        let mut announce = Activity::new(
            ActivityKind::Announce,
            self.out.urls.activity_id("Announce"),
            self.group.clone(),
            object,
        );
        announce.to = self.to.clone();
        announce.cc = self.cc.clone();
        announce.audience = Some(self.group.clone());
        announce
    }
}

/// Sends a local community's update of its own object (a poll's counts):
/// group-aware followers get it announced like any activity in the
/// community; the others get the update itself, since Mastodon refreshes
/// a poll only from its author.
pub async fn own_update(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community: &CommunityRow,
    update: AnyActivity,
) -> QueryResult<()> {
    let others: Vec<String> = out
        .followers
        .of(conn, community)
        .await?
        .iter()
        .filter(|f| !is_group_aware(f.software.as_deref()))
        .map(|f| f.inbox.clone())
        .collect();
    if !others.is_empty() {
        publish_any(conn, update.clone(), &others).await?;
    }
    distribute(conn, out, community, update, None).await
}

/// Passes on remote members' activities that a local community accepted:
/// the stored incoming activities, as they arrived.
pub async fn forwarded(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community_id: i64,
    forwards: &[Forward],
) -> QueryResult<()> {
    let community = db::community::find(conn, community_id)
        .await?
        .ok_or(diesel::result::Error::NotFound)?;
    if !community.local {
        return Ok(());
    }
    let ids: Vec<&str> = forwards.iter().map(|f| f.activity_id.as_str()).collect();
    let bodies: HashMap<String, String> = db::incoming::bodies(conn, &ids)
        .await?
        .into_iter()
        .collect();
    let mut activities = Vec::with_capacity(forwards.len());
    for forward in forwards {
        let id = &forward.activity_id;
        let body = bodies
            .get(id)
            .ok_or_else(|| bad(format!("the incoming activity {id} has no body")))?;
        let inner: AnyActivity = serde_json::from_str(body).map_err(bad)?;
        let boost = forward.boost.as_deref().map(Url::parse);
        activities.push((inner, boost.transpose().map_err(bad)?));
    }
    distribute_many(conn, out, &community, activities).await
}

/// Software known to understand groups (FEP-1b12 announces of activities),
/// by its NodeInfo name.
pub fn is_group_aware(software: Option<&str>) -> bool {
    matches!(
        software,
        Some(
            "guildhall" | "lemmy" | "mbin" | "kbin" | "piefed" | "lotide" | "nodebb" | "friendica"
        )
    )
}
