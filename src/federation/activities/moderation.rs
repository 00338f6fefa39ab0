//! Moderation a followed remote community announces (Lemmy's shapes):
//! a moderator's `Delete` of someone else's post (removal), `Lock`, `Block`
//! with the community as target (ban), and their `Undo`s.

use crate::{
    db::{self, community::CommunityRow},
    error::AppResult,
    federation::context::Federation,
    protocol::{activity::AnyActivity, lenient::IdOrObject},
    services::{moderation, outgoing::Moderation},
};

/// Applies `inner` when it is a moderation; `None` when it is not one.
pub async fn receive_from_group(
    fed: &Federation,
    community: &CommunityRow,
    inner: &AnyActivity,
) -> Option<AppResult<()>> {
    let (activity, undo) = match inner {
        AnyActivity::Undo(undo) => match &undo.object {
            IdOrObject::Object(inner) => (inner.as_ref(), true),
            IdOrObject::Id(_) => return None,
        },
        other => (other, false),
    };
    let (kind, object, reason) = match activity {
        AnyActivity::Lock(a) => (Moderation::Lock, a.object.0.clone(), a.summary.clone()),
        AnyActivity::Block(a)
            if a.target.as_ref().map(|t| t.as_str()) == Some(community.ap_id.as_str()) =>
        {
            (Moderation::Ban, a.object.0.clone(), a.summary.clone())
        }
        AnyActivity::Delete(a) => (Moderation::Remove, a.object.0.clone(), a.summary.clone()),
        _ => return None,
    };
    let result = async {
        let mut conn = fed.state.pool.get().await?;
        if kind == Moderation::Remove {
            // The author's own deletion (or restore) is not a moderation.
            if let Some(post) = db::post::find_by_ap_id(&mut conn, object.as_str()).await? {
                let author = match post.author_id {
                    Some(id) => db::person::find(&mut conn, id).await?,
                    None => None,
                };
                if author.is_some_and(|a| a.ap_id == activity.actor().as_str()) {
                    return Ok(false);
                }
            }
        }
        moderation::apply_remote(
            &mut conn,
            community,
            kind,
            object.as_str(),
            undo,
            reason.as_deref(),
        )
        .await?;
        Ok(true)
    };
    match result.await {
        Ok(true) => Some(Ok(())),
        Ok(false) => None,
        Err(err) => Some(Err(err)),
    }
}
