//! What instance actors send ours: `Follow` (another instance asks for our
//! directory news), `Accept`/`Reject` of our instance actor's `Follow`,
//! `Undo{Follow}`, and the directory news of partners: `Create` and
//! `Update{Group}` of their listed communities and `Delete` of those that
//! left. [`route`] picks these out before the other handlers see them.
//!
//! Who may send what: a `Follow` of our instance actor only from an
//! `Application` or `Service` actor, on its own host; answers only from the
//! instance actor we followed, about the `Follow` we sent; an `Undo` only
//! of that instance actor's own follow; directory news only from the
//! instance actor of a *partner* whose follow we made and it accepted, and
//! only about `Group`s on that instance actor's own server (scheme, host and
//! port). A partner may also share (`Announce{Group URL}`) a community of
//! another server, one of its own partners': it is fetched from its origin
//! and listed as second-hand, unless that server is blocked here. Blocked
//! instances never get in: the inbox refuses them, and what a partner
//! shares of them is refused.

use super::{fetch_failed, refused};
use crate::{
    db::{self, peer::PeerPolicy},
    error::AppResult,
    federation::{
        context::Federation,
        directory::{backfill, listing_of, take_group},
        fetch::{FetchBudget, FetchError},
        partner::instance_actor,
        resolve::{fetch_actor, same_origin},
    },
    protocol::{
        activity::{Activity, ActivityRef, AnyActivity, AnyObject},
        actor::ActorKind,
        lenient::IdOrObject,
    },
    services::{directory, partner},
};
use url::Url;

/// Handles `activity` when it is between instance actors; `None` leaves it
/// to the other handlers.
pub async fn route(
    fed: &Federation,
    activity: &AnyActivity,
    budget: &FetchBudget,
) -> Option<AppResult<()>> {
    let ours = fed.state.urls.instance_actor();
    match activity {
        AnyActivity::Follow(follow) if follow.object.0 == ours => {
            Some(receive_follow(fed, &follow.actor, &follow.id, budget).await)
        }
        AnyActivity::Accept(answer) | AnyActivity::Reject(answer) => {
            let accepted = matches!(activity, AnyActivity::Accept(_));
            let (domain, follow_id) = answered_follow(fed, answer).await?;
            Some(receive_answer(fed, answer, &domain, &follow_id, accepted).await)
        }
        AnyActivity::Undo(undo) => {
            let follow_id = match &undo.object {
                IdOrObject::Object(inner) => match inner.as_ref() {
                    AnyActivity::Follow(f) if f.object.0 == ours && f.actor == undo.actor => {
                        f.id.clone()
                    }
                    _ => return None,
                },
                IdOrObject::Id(id) => {
                    let mut conn = fed.state.pool.get().await.ok()?;
                    let link = db::peer::link_by_actor(&mut conn, undo.actor.as_str())
                        .await
                        .ok()??;
                    (link.follower_ap_id.as_deref() == Some(id.as_str())).then_some(id.clone())?
                }
            };
            let domain = host(&undo.actor);
            Some(partner::receive_unfollow(&fed.state, &domain, follow_id.as_str()).await)
        }
        AnyActivity::Create(news) | AnyActivity::Update(news) => match &news.object {
            AnyObject::Actor(group) if group.kind == ActorKind::Group && group.id != news.actor => {
                Some(receive_group(fed, news, group).await)
            }
            _ => None,
        },
        AnyActivity::Announce(announce) => {
            let IdOrObject::Id(group) = &announce.object else {
                return None;
            };
            let mut conn = fed.state.pool.get().await.ok()?;
            db::peer::link_by_actor(&mut conn, announce.actor.as_str())
                .await
                .ok()??;
            drop(conn);
            Some(receive_shared(fed, &announce.actor, group, budget).await)
        }
        AnyActivity::Delete(delete) => {
            let mut conn = fed.state.pool.get().await.ok()?;
            db::peer::link_by_actor(&mut conn, delete.actor.as_str())
                .await
                .ok()??;
            drop(conn);
            Some(receive_unlisting(fed, &delete.actor, &delete.object.0).await)
        }
        _ => None,
    }
}

fn host(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_ascii_lowercase()
}

/// Another instance's actor asks to follow ours.
async fn receive_follow(
    fed: &Federation,
    actor: &Url,
    follow_id: &Url,
    budget: &FetchBudget,
) -> AppResult<()> {
    let document = fetch_actor(fed, actor, budget)
        .await
        .map_err(fetch_failed)?;
    let base = actor.join("/").map_err(|e| refused(e.to_string()))?;
    let found = instance_actor(fed, document, &base, budget)
        .await
        .map_err(|e| refused(format!("only instance actors follow ours: {e}")))?;
    partner::receive_follow(&fed.state, &host(actor), &found, follow_id.as_str()).await
}

/// The partner domain and `Follow` id an `Accept`/`Reject` answers, when it
/// answers our instance actor's follow.
async fn answered_follow(
    fed: &Federation,
    answer: &Activity<ActivityRef>,
) -> Option<(String, String)> {
    let follow_id = match &answer.object {
        IdOrObject::Id(id) => id.clone(),
        IdOrObject::Object(inner) => match inner.as_ref() {
            AnyActivity::Follow(f) if f.actor == fed.state.urls.instance_actor() => f.id.clone(),
            AnyActivity::Follow(_) => return None,
            other => other.id().clone(),
        },
    };
    let mut conn = fed.state.pool.get().await.ok()?;
    let link = db::peer::link(&mut conn, &host(&answer.actor))
        .await
        .ok()??;
    (link.follow_ap_id.as_deref() == Some(follow_id.as_str()))
        .then(|| (link.domain.clone(), follow_id.to_string()))
}

/// A partner's instance actor answered our follow; on `Accept`, we read its
/// directory collection.
async fn receive_answer(
    fed: &Federation,
    answer: &Activity<ActivityRef>,
    domain: &str,
    follow_id: &str,
    accepted: bool,
) -> AppResult<()> {
    let mut conn = fed.state.pool.get().await?;
    let link = db::peer::link(&mut conn, domain).await?;
    drop(conn);
    if link.and_then(|l| l.instance_actor).as_deref() != Some(answer.actor.as_str()) {
        return Err(refused("only the instance actor we followed answers"));
    }
    partner::receive_answer(&fed.state, domain, follow_id, accepted).await?;
    if accepted {
        let taken = backfill(fed, domain, &answer.actor).await?;
        tracing::info!(%domain, taken, "read a partner's directory");
    }
    Ok(())
}

/// A partner announces one of its communities.
async fn receive_group(
    fed: &Federation,
    news: &Activity<AnyObject>,
    group: &crate::protocol::actor::Actor,
) -> AppResult<()> {
    let domain = host(&news.actor);
    if !partner::is_linked_partner(&fed.state, &domain, news.actor.as_str()).await? {
        return Err(refused(
            "communities are listed only by the instance actor of a linked partner",
        ));
    }
    take_group(fed, &domain, &news.actor, group).await
}

/// A partner shares a community of one of its partners (one hop): checked
/// at its origin, never taken from the announce; listed as second-hand,
/// or removed when its origin no longer has it listed.
async fn receive_shared(
    fed: &Federation,
    actor: &Url,
    group_id: &Url,
    budget: &FetchBudget,
) -> AppResult<()> {
    let via = host(actor);
    if !partner::is_linked_partner(&fed.state, &via, actor.as_str()).await? {
        return Err(refused(
            "communities are shared only by the instance actor of a linked partner",
        ));
    }
    if same_origin(group_id, actor) || fed.is_local(group_id) {
        return Err(refused(
            "a partner shares only communities of other servers (its own come as Create or Update)",
        ));
    }
    let mut conn = fed.state.pool.get().await?;
    let blocked = db::peer::policy(&mut conn, &host(group_id)).await? == PeerPolicy::Blocked;
    drop(conn);
    if blocked {
        return Err(refused("blocked instances never enter the directory"));
    }
    let group = match fetch_actor(fed, group_id, budget).await {
        Ok(group) => group,
        Err(FetchError::Gone) => {
            return directory::remove_second_hand(&fed.state, group_id.as_str()).await;
        }
        Err(err) => return Err(fetch_failed(err)),
    };
    if group.kind != ActorKind::Group {
        return Err(refused("only Groups are listed in the directory"));
    }
    if group.discoverable == Some(false) {
        return directory::remove_second_hand(&fed.state, group_id.as_str()).await;
    }
    directory::receive_second_hand(&fed.state, &via, listing_of(&group)).await
}

/// A partner's community left its directory.
async fn receive_unlisting(fed: &Federation, actor: &Url, object: &Url) -> AppResult<()> {
    let domain = host(actor);
    if !partner::is_linked_partner(&fed.state, &domain, actor.as_str()).await? {
        return Err(refused(
            "communities are unlisted only by the instance actor of a linked partner",
        ));
    }
    if !same_origin(object, actor) {
        return Err(refused(
            "a partner may unlist only communities of its own server",
        ));
    }
    directory::receive_unlisting(&fed.state, &domain, object.as_str()).await
}
