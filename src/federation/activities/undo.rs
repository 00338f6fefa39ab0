//! `Undo` of a `Follow` (leaving a community), of a `Like`, or of an
//! author's own `Delete` (Lemmy's restore: it undoes the author's deletion
//! and nothing else; a moderator's removal stays). The activity taken back
//! is embedded, or named by its id (`Undo{object: "<id>"}`, as bovine
//! sends): the id is resolved against the follows and likes we stored.
//! Either way, only the actor of an activity may undo it.

use super::{only_from_its_group, person, post_in, refused};
use crate::{
    db::{self, person::PersonRow, post::PostRow},
    error::{AppError, AppResult},
    federation::{context::Federation, fetch::FetchBudget},
    protocol::{
        activity::{Activity, ActivityRef, AnyActivity},
        lenient::IdOrObject,
    },
    services::{follow, post::remote},
};
use url::Url;

/// Takes back an earlier follow or like by the same actor.
pub async fn receive_undo(
    fed: &Federation,
    undo: Activity<ActivityRef>,
    budget: &FetchBudget,
) -> AppResult<()> {
    let inner = match &undo.object {
        IdOrObject::Object(inner) => inner,
        IdOrObject::Id(id) => return by_reference(fed, &undo, id, budget).await,
    };
    if inner.actor() != &undo.actor {
        return Err(not_theirs());
    }
    match inner.as_ref() {
        AnyActivity::Follow(follow) => {
            let mut conn = fed.state.pool.get().await?;
            let community =
                db::community::find_by_ap_id(&mut conn, follow.object.0.as_str()).await?;
            let follower = db::person::find_by_ap_id(&mut conn, undo.actor.as_str()).await?;
            if let (Some(community), Some(follower)) = (community, follower) {
                follow::receive_unfollow(&mut conn, &community, &follower).await?;
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

/// `Undo{object: "<id>"}`: a follow of one of our communities, else a like.
async fn by_reference(
    fed: &Federation,
    undo: &Activity<ActivityRef>,
    id: &Url,
    budget: &FetchBudget,
) -> AppResult<()> {
    let mut conn = fed.state.pool.get().await?;
    let follows = db::follow::by_follow_id(&mut conn, id.as_str()).await?;
    if follows.is_empty() {
        if let Some((post, _)) = db::post::like_by_id(&mut conn, id.as_str()).await?
            && let Some(community) = db::community::find(&mut conn, post.community_id).await?
        {
            only_from_its_group(&community)?;
        }
        drop(conn);
        return apply(fed, undo, budget).await;
    }
    let theirs = follows
        .iter()
        .filter(|(_, follower)| follower.ap_id == undo.actor.as_str());
    let mut undone = false;
    for (community_id, follower) in theirs {
        let community = db::community::find(&mut conn, *community_id).await?;
        if let Some(community) = community.filter(|c| c.local) {
            follow::receive_unfollow(&mut conn, &community, follower).await?;
        }
        undone = true;
    }
    if undone { Ok(()) } else { Err(not_theirs()) }
}

/// The post and liker of the like whose `Like` had the id `id`.
pub(super) async fn referenced_like(
    fed: &Federation,
    id: &Url,
) -> AppResult<Option<(PostRow, PersonRow)>> {
    let mut conn = fed.state.pool.get().await?;
    Ok(db::post::like_by_id(&mut conn, id.as_str()).await?)
}

fn not_theirs() -> AppError {
    refused("only the actor of an activity can undo it")
}

/// Takes back a like (embedded or by id), or restores a post its author
/// deleted (the post's community was checked).
pub(super) async fn apply(
    fed: &Federation,
    undo: &Activity<ActivityRef>,
    budget: &FetchBudget,
) -> AppResult<()> {
    let whole = undo.id.as_str();
    let inner = match &undo.object {
        IdOrObject::Object(inner) => inner,
        IdOrObject::Id(id) => {
            let (post, liker) = referenced_like(fed, id).await?.ok_or_else(|| {
                refused(
                    "an Undo of an activity we do not know (we keep the ids of follows and likes)",
                )
            })?;
            if liker.ap_id != undo.actor.as_str() {
                return Err(not_theirs());
            }
            let mut conn = fed.state.pool.get().await?;
            return remote::receive_unlike(&mut conn, &fed.state, &liker, &post.ap_id, whole).await;
        }
    };
    if inner.actor() != &undo.actor {
        return Err(not_theirs());
    }
    let person = person(fed, &undo.actor, budget).await?;
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
