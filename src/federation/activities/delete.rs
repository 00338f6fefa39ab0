//! `Delete` of a post by its author (or a moderator), or of an actor.
//! Authors may always delete their own posts, so a deletion is taken
//! straight from the author even in a remote community.

use super::{person, refused};
use crate::{
    error::AppResult,
    federation::{context::Federation, fetch::FetchBudget},
    protocol::activity::AnyActivity,
    services::post::remote,
};

/// A deleted post; deleted actors are ignored (their content stays until moderated).
pub async fn receive_delete(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    let AnyActivity::Delete(delete) = &activity else {
        return Err(refused("not a Delete"));
    };
    if delete.object.0 == delete.actor {
        return Ok(());
    }
    let actor = person(fed, &delete.actor, budget).await?;
    let mut conn = fed.state.pool.get().await?;
    remote::receive_delete(
        &mut conn,
        &fed.state,
        &actor,
        delete.object.0.as_str(),
        delete.id.as_str(),
    )
    .await
}
