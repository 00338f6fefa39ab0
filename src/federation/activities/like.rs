//! `Like` of a post (Mastodon favourites, Lemmy upvotes), and `Dislike`
//! (a Lemmy downvote): we have no downvotes, so it withdraws that person's
//! like (Lemmy sends only `Dislike` when an upvote becomes a downvote).

use super::{only_from_its_group, person, post_in, refused};
use crate::{
    error::AppResult,
    federation::{context::Federation, fetch::FetchBudget},
    protocol::activity::AnyActivity,
    services::post::remote,
};

/// A like of a post in one of our communities.
pub async fn receive_like(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    check_community(fed, &activity).await?;
    apply(fed, activity, budget).await
}

/// A downvote of a post in one of our communities.
pub async fn receive_dislike(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    check_community(fed, &activity).await?;
    apply(fed, activity, budget).await
}

async fn check_community(fed: &Federation, activity: &AnyActivity) -> AppResult<()> {
    let object = activity
        .object_id()
        .ok_or_else(|| refused("a vote without an object"))?;
    let (_, community) = post_in(fed, object)
        .await?
        .ok_or_else(|| refused("a vote on a post we do not know"))?;
    only_from_its_group(&community)
}

/// Counts a `Like`, or withdraws the like for a `Dislike` (the post's
/// community was checked).
pub(super) async fn apply(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    let (actor, object, like_id) = match &activity {
        AnyActivity::Like(like) => (&like.actor, &like.object.0, Some(like.id.to_string())),
        AnyActivity::Dislike(dislike) => (&dislike.actor, &dislike.object.0, None),
        _ => return Err(refused("not a vote")),
    };
    let person = person(fed, actor, budget).await?;
    let mut conn = fed.state.pool.get().await?;
    let object = object.as_str().to_owned();
    match like_id {
        Some(like_id) => {
            remote::receive_like(&mut conn, &fed.state, &person, &object, &like_id, &like_id).await
        }
        None => {
            let id = activity.id().to_string();
            remote::receive_unlike(&mut conn, &fed.state, &person, &object, &id).await
        }
    }
}
