//! `Delete` of a post by its author (or a moderator), or of an account by
//! itself. Authors may always delete their own posts, so a deletion is
//! taken straight from the author even in a remote community.

use super::{person, refused};
use crate::{
    db,
    error::AppResult,
    federation::{context::Federation, fetch::FetchBudget},
    protocol::activity::AnyActivity,
    services::{departure, post::remote},
};

/// A deleted post, or an account that deleted itself.
pub async fn receive_delete(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    let AnyActivity::Delete(delete) = &activity else {
        return Err(refused("not a Delete"));
    };
    if delete.object.0 == delete.actor {
        return account_deleted(fed, delete.actor.as_str(), Some(delete.id.as_str())).await;
    }
    let mut conn = fed.state.pool.get().await?;
    if db::person::find_by_ap_id(&mut conn, delete.object.0.as_str())
        .await?
        .is_some()
    {
        return Err(refused("only an account can delete itself"));
    }
    drop(conn);
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

/// The account `actor` deleted itself (its server can no longer be asked:
/// we go by what we stored). An account we never knew leaves nothing to
/// do; `pass_on` is the stored activity our communities announce onwards.
pub(super) async fn account_deleted(
    fed: &Federation,
    actor: &str,
    pass_on: Option<&str>,
) -> AppResult<()> {
    let mut conn = fed.state.pool.get().await?;
    match db::person::find_by_ap_id(&mut conn, actor).await? {
        Some(person) => {
            departure::receive_account_deletion(&mut conn, &fed.state, &person, pass_on).await
        }
        None => Ok(()),
    }
}
