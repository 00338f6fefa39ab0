//! `Undo` of a `Follow` (leaving a community), of a `Like`, or of an
//! author's own `Delete` (Lemmy's restore: it undoes the author's deletion
//! and nothing else; a moderator's removal stays).

use super::{only_from_its_group, person, post_in, refused};
use crate::{
    db,
    error::AppResult,
    federation::{context::Federation, fetch::FetchBudget},
    protocol::{
        activity::{Activity, ActivityRef, AnyActivity},
        lenient::IdOrObject,
    },
    services::post::remote,
};

/// Takes back an earlier follow or like by the same actor.
pub async fn receive_undo(
    fed: &Federation,
    undo: Activity<ActivityRef>,
    budget: &FetchBudget,
) -> AppResult<()> {
    let IdOrObject::Object(inner) = &undo.object else {
        return Err(refused("an Undo must embed the activity it takes back"));
    };
    if inner.actor() != &undo.actor {
        return Err(refused("only the actor of an activity can undo it"));
    }
    match inner.as_ref() {
        AnyActivity::Follow(follow) => {
            let mut conn = fed.state.pool.get().await?;
            let community =
                db::community::find_by_ap_id(&mut conn, follow.object.0.as_str()).await?;
            let follower = db::person::find_by_ap_id(&mut conn, undo.actor.as_str()).await?;
            if let (Some(community), Some(follower)) = (community, follower) {
                db::follow::remove(&mut conn, community.id, follower.id).await?;
                // Deliveries to a follower who left stop at once, unless
                // other members share that inbox.
                let inbox = follower.shared_inbox.as_deref().unwrap_or(&follower.inbox);
                let still_used = db::follow::follower_inboxes(&mut conn, community.id)
                    .await?
                    .iter()
                    .any(|f| f.inbox == inbox);
                if !still_used {
                    db::delivery::cancel(&mut conn, inbox, &community.ap_id).await?;
                }
            }
            Ok(())
        }
        AnyActivity::Like(like) => {
            if let Some((_, community)) = post_in(fed, &like.object.0).await? {
                only_from_its_group(&community)?;
            }
            apply(fed, &undo, budget).await
        }
        AnyActivity::Delete(delete) => {
            if let Some((_, community)) = post_in(fed, &delete.object.0).await? {
                only_from_its_group(&community)?;
            }
            apply(fed, &undo, budget).await
        }
        // We keep no downvotes, and boosts are not counted.
        AnyActivity::Dislike(_) | AnyActivity::Announce(_) => Ok(()),
        other => Err(refused(format!(
            "undoing {:?} is not handled",
            other.kind()
        ))),
    }
}

/// Takes back a like, or restores a post its author deleted (the post's
/// community was checked).
pub(super) async fn apply(
    fed: &Federation,
    undo: &Activity<ActivityRef>,
    budget: &FetchBudget,
) -> AppResult<()> {
    let IdOrObject::Object(inner) = &undo.object else {
        return Err(refused("an Undo must embed the activity it takes back"));
    };
    if inner.actor() != &undo.actor {
        return Err(refused("only the actor of an activity can undo it"));
    }
    let person = person(fed, &undo.actor, budget).await?;
    let whole = undo.id.as_str();
    let mut conn = fed.state.pool.get().await?;
    match inner.as_ref() {
        AnyActivity::Like(like) => {
            remote::receive_unlike(
                &mut conn,
                &fed.state,
                &person,
                like.object.0.as_str(),
                whole,
            )
            .await
        }
        AnyActivity::Delete(delete) => {
            remote::receive_restore(
                &mut conn,
                &fed.state,
                &person,
                delete.object.0.as_str(),
                whole,
            )
            .await
        }
        AnyActivity::Dislike(_) => Ok(()),
        other => Err(refused(format!(
            "undoing {:?} is not handled",
            other.kind()
        ))),
    }
}
