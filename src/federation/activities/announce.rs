//! `Announce` from a remote community we follow: FEP-1b12 announces of its
//! members' activities, or bare objects (new posts) by id.

use super::{fetch_failed, person, refused};
use crate::{
    db,
    error::AppResult,
    federation::{
        context::Federation,
        fetch::{FetchBudget, fetch},
        protocol::activity::{Activity, Announced, AnyActivity, AnyObject},
        protocol::helpers::IdOrObject,
    },
    services::post::remote,
};

/// Handles what a followed community passes on.
pub async fn receive_announce(
    fed: &Federation,
    announce: Activity<IdOrObject<Box<Announced>>>,
    budget: &FetchBudget,
) -> AppResult<()> {
    let mut conn = fed.state.pool.get().await?;
    let community = db::community::find_by_ap_id(&mut conn, announce.actor.as_str())
        .await?
        .filter(|c| !c.local)
        .ok_or_else(|| refused("announces are taken only from communities we follow"))?;
    if !db::follow::has_local_followers(&mut conn, community.id).await? {
        return Err(refused("no one here follows this community"));
    }
    drop(conn);
    let object_id = match &announce.object {
        IdOrObject::Object(announced) => match announced.as_ref() {
            Announced::Activity(inner) => {
                let inner = inner.as_ref().clone();
                if inner.id().host_str() != inner.actor().host_str() {
                    return Err(refused(
                        "the announced activity is not from its actor's server",
                    ));
                }
                if let Some(result) =
                    super::moderation::receive_from_group(fed, &community, &inner).await
                {
                    return result;
                }
                return Box::pin(super::receive(fed, inner, budget)).await;
            }
            Announced::Object(object) => object.id().clone(),
        },
        IdOrObject::Id(id) => id.clone(),
    };
    let mut conn = fed.state.pool.get().await?;
    if db::post::find_by_ap_id(&mut conn, object_id.as_str())
        .await?
        .is_some()
    {
        return Ok(());
    }
    drop(conn);
    // A bare object is fetched from its origin rather than trusted.
    let AnyObject::Post(object) = fetch::<AnyObject>(fed, &object_id, budget)
        .await
        .map_err(fetch_failed)?
    else {
        return Err(refused("only posts are taken from announces"));
    };
    let author_id = object
        .attributed_to
        .clone()
        .ok_or_else(|| refused("the post has no author"))?;
    if object.id != object_id || object.id.host_str() != author_id.host_str() {
        return Err(refused(
            "the fetched post is not hosted on its author's server",
        ));
    }
    let author = person(fed, &author_id, budget).await?;
    let create = Activity::new(
        crate::federation::protocol::activity::ActivityKind::Create,
        announce.id.clone(),
        author_id,
        AnyObject::Post(object.clone()),
    );
    let mut conn = fed.state.pool.get().await?;
    remote::receive_post(
        &mut conn,
        &fed.state,
        &community,
        &author,
        &object,
        AnyActivity::Create(create),
    )
    .await?;
    Ok(())
}
