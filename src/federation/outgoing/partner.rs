//! The instance actor's activities: its `Follow` of a partner's instance
//! actor and the `Undo`, its `Accept`/`Reject` of theirs (the `Follow`
//! embedded as `{id, type, actor, object}`), and the directory news it
//! sends the instance actors that follow it: `Create{Group}` when one of
//! our communities enters the directory, `Update{Group}` when it changes,
//! `Delete` when it leaves; and, when we share our partners' communities,
//! `Announce{Group URL}` for each change of one (the receiver checks it at
//! its origin).

use super::{Translator, bad, deliver::publish};
use crate::{
    db::{self, peer::LinkRow},
    federation::{context::url_authority, directory::listed_group},
    protocol::{
        activity::{Activity, ActivityKind, Announced, AnyActivity, AnyObject, Reference},
        lenient::{IdOrObject, PUBLIC},
    },
};
use diesel::{QueryResult, result::Error::NotFound};
use diesel_async::AsyncPgConnection;
use url::Url;

fn their_actor(link: &LinkRow) -> QueryResult<(Url, String)> {
    let actor = link.instance_actor.as_deref().ok_or(NotFound)?;
    let inbox = link.instance_inbox.clone().ok_or(NotFound)?;
    Ok((Url::parse(actor).map_err(bad)?, inbox))
}

/// Our instance actor's `Follow` of `domain`'s instance actor.
pub async fn followed(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    domain: &str,
) -> QueryResult<()> {
    let link = db::peer::link(conn, domain).await?.ok_or(NotFound)?;
    let (actor, inbox) = their_actor(&link)?;
    let follow_id = link.follow_ap_id.as_deref().ok_or(NotFound)?;
    let mut follow = Activity::new(
        ActivityKind::Follow,
        Url::parse(follow_id).map_err(bad)?,
        out.urls.instance_actor(),
        Reference(actor.clone()),
    );
    follow.to = vec![actor];
    publish(conn, follow, &[inbox]).await
}

/// Our instance actor's `Undo` of its follow `follow_id` of `actor`.
pub async fn unfollowed(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    actor: &str,
    inbox: &str,
    follow_id: &str,
) -> QueryResult<()> {
    let actor = Url::parse(actor).map_err(bad)?;
    let follow = Activity::new(
        ActivityKind::Follow,
        Url::parse(follow_id).map_err(bad)?,
        out.urls.instance_actor(),
        Reference(actor.clone()),
    );
    let mut undo = Activity::new(
        ActivityKind::Undo,
        out.urls.activity_id("Undo"),
        out.urls.instance_actor(),
        IdOrObject::Object(Box::new(AnyActivity::Follow(follow))),
    );
    undo.to = vec![actor];
    publish(conn, undo, &[inbox.to_string()]).await
}

/// Our instance actor's `Accept` or `Reject` of `actor`'s follow `follow_id`.
pub async fn answered(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    actor: &str,
    inbox: &str,
    follow_id: &str,
    accepted: bool,
) -> QueryResult<()> {
    let actor = Url::parse(actor).map_err(bad)?;
    let follow = Activity::new(
        ActivityKind::Follow,
        Url::parse(follow_id).map_err(bad)?,
        actor.clone(),
        Reference(out.urls.instance_actor()),
    );
    let kind = if accepted {
        ActivityKind::Accept
    } else {
        ActivityKind::Reject
    };
    let mut answer = Activity::new(
        kind,
        out.urls.activity_id(&format!("{kind:?}")),
        out.urls.instance_actor(),
        IdOrObject::Object(Box::new(AnyActivity::Follow(follow))),
    );
    answer.to = vec![actor];
    publish(conn, answer, &[inbox.to_string()]).await
}

/// `Create{Group}` (`new`) or `Update{Group}` of a local community in the
/// directory, to the instance actors that follow ours.
pub async fn listed(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community_id: i64,
    new: bool,
) -> QueryResult<()> {
    let inboxes = db::peer::follower_inboxes(conn).await?;
    if inboxes.is_empty() {
        return Ok(());
    }
    let row = db::community::find(conn, community_id)
        .await?
        .ok_or(NotFound)?;
    let figures = db::directory::figures(conn, &row.ap_id)
        .await?
        .ok_or(NotFound)?;
    let group = listed_group(&out.urls, &url_authority(&out.urls.home()), &row, &figures);
    let kind = if new {
        ActivityKind::Create
    } else {
        ActivityKind::Update
    };
    let mut activity = Activity::new(
        kind,
        out.urls.activity_id(&format!("{kind:?}")),
        out.urls.instance_actor(),
        AnyObject::Actor(Box::new(group)),
    );
    activity.to = vec![Url::parse(PUBLIC).map_err(bad)?];
    publish(conn, activity, &inboxes).await
}

/// `Delete` of a local community that left the directory, to the instance
/// actors that follow ours.
pub async fn unlisted(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    ap_id: &str,
) -> QueryResult<()> {
    let inboxes = db::peer::follower_inboxes(conn).await?;
    if inboxes.is_empty() {
        return Ok(());
    }
    let mut delete = Activity::new(
        ActivityKind::Delete,
        out.urls.activity_id("Delete"),
        out.urls.instance_actor(),
        Reference(Url::parse(ap_id).map_err(bad)?),
    );
    delete.to = vec![Url::parse(PUBLIC).map_err(bad)?];
    publish(conn, delete, &inboxes).await
}

/// `Announce{community URL}` of our partner `from`'s community to the other
/// instance actors that follow ours (not `from`, not the community's host).
pub async fn shared(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    ap_id: &str,
    from: &str,
) -> QueryResult<()> {
    let group = Url::parse(ap_id).map_err(bad)?;
    let inboxes: Vec<String> = db::peer::follower_inboxes(conn)
        .await?
        .into_iter()
        .filter(|inbox| {
            let host = Url::parse(inbox)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
            host.is_some_and(|h| h != from && Some(h.as_str()) != group.host_str())
        })
        .collect();
    if inboxes.is_empty() {
        return Ok(());
    }
    let mut announce = Activity::new(
        ActivityKind::Announce,
        out.urls.activity_id("Announce"),
        out.urls.instance_actor(),
        IdOrObject::<Box<Announced>>::Id(group),
    );
    announce.to = vec![Url::parse(PUBLIC).map_err(bad)?];
    publish(conn, announce, &inboxes).await
}
