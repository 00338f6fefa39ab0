//! Publishing: builds the activities a change causes and queues their
//! deliveries in the same transaction (`db::delivery::publish`). Nothing
//! here sends; the delivery workers do.
//!
//! A community distributes a member's activity to its followers as
//! FEP-1b12 does: group-aware software gets `Announce{activity}`; other
//! software (Mastodon) gets `Announce{object URI}` for new top-level posts
//! only, which it shows as a boost.

use crate::{
    db::{self, community::CommunityRow},
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity},
        jsonld::Context,
        lenient::{IdOrObject, PUBLIC},
    },
    urls::Urls,
};
use diesel_async::AsyncPgConnection;
use rand::Rng;
use serde::Serialize;
use url::Url;

/// A new id for an activity of `kind` by us.
pub fn activity_id(urls: &Urls, kind: ActivityKind) -> Url {
    let token: String = rand::thread_rng()
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    urls.path(&format!(
        "/activities/{}/{token}",
        format!("{kind:?}").to_ascii_lowercase()
    ))
}

/// Stores `activity` (with our `@context`) and queues it for `inboxes`.
pub async fn publish<O: Serialize>(
    conn: &mut AsyncPgConnection,
    mut activity: Activity<O>,
    inboxes: &[String],
) -> diesel::QueryResult<()> {
    activity.context = Some(Context);
    let body = serde_json::to_string(&activity)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let kind = format!("{:?}", activity.kind);
    db::delivery::publish(
        conn,
        activity.id.as_str(),
        &kind,
        activity.actor.as_str(),
        &body,
        inboxes,
    )
    .await?;
    Ok(())
}

/// What a community passes on to its followers.
pub struct Distribution {
    /// The member's activity (Create, Update, Delete, Like, Undo, …).
    pub inner: AnyActivity,
    /// For a new top-level post: its id, announced bare to non-group software.
    pub boost: Option<Url>,
}

/// Queues a local community's announces of `dist` to its remote followers.
pub async fn distribute(
    conn: &mut AsyncPgConnection,
    urls: &Urls,
    community: &CommunityRow,
    dist: Distribution,
) -> diesel::QueryResult<()> {
    let group = Url::parse(&community.ap_id)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let followers = community
        .followers_url
        .as_deref()
        .and_then(|f| Url::parse(f).ok());
    let mut group_aware = Vec::new();
    let mut others = Vec::new();
    for follower in db::follow::follower_inboxes(conn, community.id).await? {
        if is_group_aware(follower.software.as_deref()) {
            group_aware.push(follower.inbox);
        } else {
            others.push(follower.inbox);
        }
    }
    let to = vec![
        Url::parse(PUBLIC).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?,
    ];
    let cc: Vec<Url> = followers.iter().cloned().collect();
    if !group_aware.is_empty() {
        let mut announce = Activity::new(
            ActivityKind::Announce,
            activity_id(urls, ActivityKind::Announce),
            group.clone(),
            IdOrObject::Object(Box::new(dist.inner)),
        );
        announce.to = to.clone();
        announce.cc = cc.clone();
        announce.audience = Some(group.clone());
        publish(conn, announce, &group_aware).await?;
    }
    if let Some(object) = dist.boost.filter(|_| !others.is_empty()) {
        let mut announce = Activity::new(
            ActivityKind::Announce,
            activity_id(urls, ActivityKind::Announce),
            group.clone(),
            IdOrObject::<Box<crate::protocol::activity::Announced>>::Id(object),
        );
        announce.to = to;
        announce.cc = cc;
        announce.audience = Some(group.clone());
        publish(conn, announce, &others).await?;
    }
    Ok(())
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
