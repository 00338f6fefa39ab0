//! `Update` of a post (its author edited it) or of a community we follow.

use super::{
    create::check_authorship, fetch_failed, only_from_its_group, person, post_in, refused,
};
use crate::{
    error::AppResult,
    federation::{context::Federation, fetch::FetchBudget, resolve},
    protocol::activity::{AnyActivity, AnyObject},
    services::post::remote,
};

/// An edited post in one of our communities, or a changed remote community.
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
            let (_, community) = post_in(fed, &object.id)
                .await?
                .ok_or_else(|| refused("an update of a post we do not know"))?;
            only_from_its_group(&community)?;
            apply(fed, activity, budget).await
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

/// Applies an author's edit of a post (its community was checked).
pub(super) async fn apply(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    let AnyActivity::Update(update) = &activity else {
        return Err(refused("not an Update"));
    };
    let AnyObject::Post(object) = &update.object else {
        return Err(refused("only posts are edited this way"));
    };
    check_authorship(&update.actor, object)?;
    let author = person(fed, &update.actor, budget).await?;
    let mut conn = fed.state.pool.get().await?;
    remote::receive_update(
        &mut conn,
        &fed.state,
        &author,
        &super::read_post(fed, object)?,
        activity.id().as_str(),
    )
    .await
}
