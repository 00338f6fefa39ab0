//! Receiving activities, one file per activity type: each checks what it
//! must (who may do this to what) and calls the services. Runs in the
//! background after the inbox stored the activity; refusals are recorded
//! with their reason, transient failures retried.

mod announce;
mod create;
mod delete;
mod follow;
mod kudos;
mod like;
mod moderation;
mod partner;
pub mod plain_posts;
mod proposal;
mod remote_event;
pub mod remote_post;
mod rsvp;
mod undo;
pub mod unsupported;
mod update;

use super::{
    context::Federation,
    fetch::{FetchBudget, FetchError},
    resolve::{self, KnownActor},
};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow, post::PostRow},
    domain::event::RsvpStatus,
    error::{AppError, AppResult},
    protocol::{activity::AnyActivity, note::PostObject},
    services::post::remote::RemotePost,
};
use url::Url;

/// Handles one verified activity.
pub async fn receive(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    if let Some(reason) = unsupported::reason(&activity) {
        return Err(refused(reason));
    }
    if let Some(result) = partner::route(fed, &activity, budget).await {
        return result;
    }
    match activity {
        AnyActivity::Follow(a) => follow::receive_follow(fed, a, budget).await,
        AnyActivity::Accept(a) => rsvp::receive_answer(fed, a, true).await,
        AnyActivity::Reject(a) => rsvp::receive_answer(fed, a, false).await,
        AnyActivity::Undo(a) => undo::receive_undo(fed, a, budget).await,
        AnyActivity::Create(_) => create::receive_create(fed, activity, budget).await,
        AnyActivity::Update(_) => update::receive_update(fed, activity, budget).await,
        AnyActivity::Delete(_) => delete::receive_delete(fed, activity, budget).await,
        AnyActivity::Like(_) => like::receive_like(fed, activity, budget).await,
        AnyActivity::Dislike(_) => like::receive_dislike(fed, activity, budget).await,
        AnyActivity::Announce(a) => announce::receive_announce(fed, a, budget).await,
        AnyActivity::Join(a) => rsvp::receive_rsvp(fed, a, Some(RsvpStatus::Going), budget).await,
        AnyActivity::TentativeAccept(a) => {
            rsvp::receive_rsvp(fed, a, Some(RsvpStatus::Interested), budget).await
        }
        AnyActivity::Leave(a) => rsvp::receive_rsvp(fed, a, None, budget).await,
        other => Err(refused(format!(
            "{:?} activities are not handled yet",
            other.kind()
        ))),
    }
}

/// A refusal: recorded, not retried.
pub(crate) fn refused(reason: impl Into<String>) -> AppError {
    AppError::forbidden(reason)
}

/// Maps a fetch failure: gone or not allowed is final, the rest transient.
pub(crate) fn fetch_failed(err: FetchError) -> AppError {
    match err {
        FetchError::Failed(why) => AppError::internal(anyhow::anyhow!(why)),
        other => refused(other.to_string()),
    }
}

/// The person behind `actor` (a community cannot author posts or likes).
pub(crate) async fn person(
    fed: &Federation,
    actor: &Url,
    budget: &FetchBudget,
) -> AppResult<PersonRow> {
    match resolve::actor(fed, actor, budget, false)
        .await
        .map_err(fetch_failed)?
    {
        KnownActor::Person(person) if person.deleted_at.is_some() => {
            Err(refused("the account deleted itself"))
        }
        KnownActor::Person(person) => Ok(*person),
        KnownActor::Community(_) => Err(refused("a community cannot do this")),
    }
}

/// The post with id `object_id` and its community, when we know the post.
pub(crate) async fn post_in(
    fed: &Federation,
    object_id: &Url,
) -> AppResult<Option<(PostRow, CommunityRow)>> {
    let mut conn = fed.state.pool.get().await?;
    let Some(post) = db::post::find_by_ap_id(&mut conn, object_id.as_str()).await? else {
        return Ok(None);
    };
    let community = db::community::find(&mut conn, post.community_id)
        .await?
        .ok_or_else(|| refused("the post has no community"))?;
    Ok(Some((post, community)))
}

/// Sent straight to us, an activity about a post in a *remote* community
/// would bypass that community's moderation: there, we take only what the
/// community itself announces.
pub(crate) fn only_from_its_group(community: &CommunityRow) -> AppResult<()> {
    if community.local {
        Ok(())
    } else {
        Err(refused(
            "activities in a remote community are taken only from the community's announces",
        ))
    }
}

/// What services need of a post object (see [`remote_post::read`]); a
/// media reference we do not take is a refusal.
pub(crate) fn read_post(fed: &Federation, object: &PostObject) -> AppResult<RemotePost> {
    remote_post::read(object, fed.state.settings.dev).map_err(|e| refused(e.to_string()))
}
