//! Moderation as activities, in Lemmy's shapes: a removal is the
//! moderator's `Delete` with the reason in `summary`, a lock is `Lock`, a
//! ban is `Block` with the community as `target`; each undone with `Undo`,
//! and announced by the community.

use super::{Translator, bad, deliver::distribute};
use crate::{
    db,
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity, Reference},
        lenient::{IdOrObject, PUBLIC},
    },
    services::outgoing::Moderation,
};
use diesel::{QueryResult, result::Error::NotFound};
use diesel_async::AsyncPgConnection;
use url::Url;

/// The moderator's activity on `target`, undone when `undo`, announced.
#[allow(clippy::too_many_arguments)]
pub async fn moderated(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community_id: i64,
    moderator_id: i64,
    action: Moderation,
    target: &str,
    reason: Option<&str>,
    undo: bool,
) -> QueryResult<()> {
    let community = db::community::find(conn, community_id)
        .await?
        .ok_or(NotFound)?;
    let moderator = db::person::find(conn, moderator_id)
        .await?
        .ok_or(NotFound)?;
    let group = Url::parse(&community.ap_id).map_err(bad)?;
    let actor = Url::parse(&moderator.ap_id).map_err(bad)?;
    let public = Url::parse(PUBLIC).map_err(bad)?;
    let kind = match action {
        Moderation::Remove => ActivityKind::Delete,
        Moderation::Lock => ActivityKind::Lock,
        Moderation::Ban => ActivityKind::Block,
    };
    let mut activity = Activity::new(
        kind,
        out.urls.activity_id(&format!("{kind:?}")),
        actor.clone(),
        Reference(Url::parse(target).map_err(bad)?),
    );
    activity.to = vec![public.clone()];
    activity.cc = vec![group.clone()];
    activity.audience = Some(group.clone());
    activity.summary = reason.map(str::to_string);
    if action == Moderation::Ban {
        activity.target = Some(group.clone());
    }
    let activity = match action {
        Moderation::Remove => AnyActivity::Delete(activity),
        Moderation::Lock => AnyActivity::Lock(activity),
        Moderation::Ban => AnyActivity::Block(activity),
    };
    let inner = if undo {
        let mut undo = Activity::new(
            ActivityKind::Undo,
            out.urls.activity_id("Undo"),
            actor,
            IdOrObject::Object(Box::new(activity)),
        );
        undo.to = vec![public];
        undo.cc = vec![group.clone()];
        undo.audience = Some(group);
        AnyActivity::Undo(undo)
    } else {
        activity
    };
    distribute(conn, out, &community, inner, None).await
}
