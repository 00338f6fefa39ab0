//! `Follow` of a local community, and `Accept` / `Reject` of our follows.

use super::{person, refused};
use crate::{
    db,
    error::AppResult,
    federation::{context::Federation, fetch::FetchBudget},
    protocol::{
        activity::{Activity, ActivityRef, AnyActivity, Reference},
        lenient::IdOrObject,
    },
    services::follow,
};

/// Someone follows one of our communities.
pub async fn receive_follow(
    fed: &Federation,
    activity: Activity<Reference>,
    budget: &FetchBudget,
) -> AppResult<()> {
    let mut conn = fed.state.pool.get().await?;
    let community = db::community::find_by_ap_id(&mut conn, activity.object.0.as_str())
        .await?
        .filter(|c| c.local)
        .ok_or_else(|| refused("only our communities can be followed"))?;
    drop(conn);
    let follower = person(fed, &activity.actor, budget).await?;
    let mut conn = fed.state.pool.get().await?;
    follow::receive_follow(
        &mut conn,
        &fed.state,
        &community,
        &follower,
        activity.id.as_str(),
    )
    .await?;
    Ok(())
}

/// A community answers one of our people's follows.
pub async fn receive_answer(
    fed: &Federation,
    activity: Activity<ActivityRef>,
    accepted: bool,
) -> AppResult<()> {
    let mut conn = fed.state.pool.get().await?;
    let community = db::community::find_by_ap_id(&mut conn, activity.actor.as_str())
        .await?
        .filter(|c| !c.local)
        .ok_or_else(|| refused("an answer from an actor we did not follow"))?;
    let follower = match &activity.object {
        IdOrObject::Object(inner) => match inner.as_ref() {
            AnyActivity::Follow(follow) => {
                db::person::find_by_ap_id(&mut conn, follow.actor.as_str()).await?
            }
            _ => None,
        },
        IdOrObject::Id(_) => None,
    };
    let follower = match follower {
        Some(follower) => follower,
        None => {
            // Mastodon and others may send only the Follow's id.
            let follow_id = match &activity.object {
                IdOrObject::Id(id) => id.as_str().to_string(),
                IdOrObject::Object(inner) => inner.id().as_str().to_string(),
            };
            db::follow::person_by_follow_id(&mut conn, community.id, &follow_id)
                .await?
                .ok_or_else(|| refused("an answer to a follow we did not send"))?
        }
    };
    if accepted {
        db::follow::accept(&mut conn, community.id, follower.id).await?;
    } else {
        db::follow::remove(&mut conn, community.id, follower.id).await?;
    }
    Ok(())
}
