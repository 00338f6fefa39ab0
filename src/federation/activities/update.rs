//! `Update` of a post (its author edited it) or of a community we follow.

use super::{create::check_authorship, fetch_failed, person, refused};
use crate::{
    error::AppResult,
    federation::{
        context::Federation,
        fetch::FetchBudget,
        protocol::activity::{AnyActivity, AnyObject},
        resolve,
    },
    services::post::remote,
};

/// An edited post, or a changed remote community.
pub async fn receive_update(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    let AnyActivity::Update(update) = &activity else {
        return Err(refused("not an Update"));
    };
    match &update.object {
        AnyObject::Post(object) => {
            check_authorship(&update.actor, object)?;
            let author = person(fed, &update.actor, budget).await?;
            let mut conn = fed.state.pool.get().await?;
            remote::receive_update(&mut conn, &fed.state, &author, object, activity.clone()).await
        }
        AnyObject::Actor(actor) if actor.id == update.actor => {
            resolve::actor(fed, &actor.id, budget, true)
                .await
                .map_err(fetch_failed)?;
            Ok(())
        }
        _ => Err(refused("this kind of update is not handled")),
    }
}
