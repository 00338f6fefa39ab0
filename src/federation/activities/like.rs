//! `Like` of a post (Mastodon favourites, Lemmy upvotes).

use super::{person, refused};
use crate::{
    error::AppResult,
    federation::{context::Federation, fetch::FetchBudget, protocol::activity::AnyActivity},
    services::post::remote,
};

/// A like of one of the posts we know.
pub async fn receive_like(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    let AnyActivity::Like(like) = &activity else {
        return Err(refused("not a Like"));
    };
    let person = person(fed, &like.actor, budget).await?;
    let mut conn = fed.state.pool.get().await?;
    let like_id = like.id.to_string();
    remote::receive_like(
        &mut conn,
        &fed.state,
        &person,
        like.object.0.as_str(),
        &like_id,
        activity.clone(),
    )
    .await
}
