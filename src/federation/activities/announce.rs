//! `Announce` from a remote community we follow: FEP-1b12 announces of its
//! members' activities, or bare objects (new posts) by id.
//!
//! The group speaks for itself, not for its members. FEP-1b12's trust rules:
//! - only a remote community that one of our people follows may announce;
//! - an announced activity whose actor or id is ours is refused (nobody
//!   else speaks for our people);
//! - the activity must concern the announcing community: the post it
//!   touches belongs to it, a new post is addressed to it (or answers one
//!   of its posts), so nothing reaches another community, least of all one
//!   of ours;
//! - when the activity's actor is on another server than the community,
//!   the embedded copy is not trusted: the post (or the activity) is
//!   fetched from its origin, and a deletion must be confirmed there;
//! - the community's own moderation (removals, locks, bans) applies to the
//!   community's posts only (`moderation`).

use super::{
    create, fetch_failed, like, moderation::receive_from_group, post_in, proposal, refused,
    remote_event, undo, update,
};
use crate::{
    db::{self, community::CommunityRow},
    error::AppResult,
    federation::{
        context::Federation,
        fetch::{FetchBudget, FetchError, fetch},
        resolve::same_origin,
    },
    protocol::{
        activity::{Activity, Announced, AnyActivity, AnyObject},
        lenient::IdOrObject,
    },
    services::post::remote,
};
use serde::Deserialize;
use url::Url;

/// Handles what a followed community passes on.
pub async fn receive_announce(
    fed: &Federation,
    announce: Activity<IdOrObject<Box<Announced>>>,
    budget: &FetchBudget,
) -> AppResult<()> {
    let community = followed_community(fed, &announce.actor).await?;
    match announce.object {
        IdOrObject::Object(announced) => match *announced {
            Announced::Activity(inner) => receive_activity(fed, &community, *inner, budget).await,
            Announced::Object(object) => {
                receive_boost(fed, &community, object.id(), &announce.id, budget).await
            }
        },
        IdOrObject::Id(id) => receive_boost(fed, &community, &id, &announce.id, budget).await,
    }
}

/// The announcing actor, if it is a remote community one of our people follows.
async fn followed_community(fed: &Federation, actor: &Url) -> AppResult<CommunityRow> {
    let mut conn = fed.state.pool.get().await?;
    let community = db::community::find_by_ap_id(&mut conn, actor.as_str())
        .await?
        .filter(|c| !c.local)
        .ok_or_else(|| refused("announces are taken only from communities we follow"))?;
    if !db::follow::has_local_followers(&mut conn, community.id).await? {
        return Err(refused("no one here follows this community"));
    }
    Ok(community)
}

/// A member's activity the community passes on.
async fn receive_activity(
    fed: &Federation,
    community: &CommunityRow,
    inner: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    if fed.is_local(inner.actor()) || fed.is_local(inner.id()) {
        return Err(refused(
            "a community cannot announce activities of our own people",
        ));
    }
    if !same_origin(inner.id(), inner.actor()) {
        return Err(refused(
            "the announced activity is not from its actor's server",
        ));
    }
    let group = Url::parse(&community.ap_id).map_err(|_| refused("the community has no URL"))?;
    let trusted = same_origin(inner.actor(), &group);
    if let AnyActivity::Delete(delete) = &inner
        && delete.object.0 == delete.actor
    {
        // An account's own deletion: confirmed by its server unless it
        // lives with the community.
        if !trusted {
            confirm_gone(fed, &delete.actor, budget).await?;
        }
        return super::delete::account_deleted(fed, delete.actor.as_str(), None).await;
    }
    if let Some(result) = receive_from_group(fed, community, &inner).await {
        return result;
    }
    if let Some(result) = remote_event::from_group(fed, community, &inner, budget).await {
        return result;
    }
    match inner {
        AnyActivity::Create(mut create) => {
            let AnyObject::Post(object) = &create.object else {
                return Err(refused("only posts are taken from announces"));
            };
            if !trusted {
                create.object = AnyObject::Post(create::fetch_post(fed, &object.id, budget).await?);
            }
            let AnyObject::Post(object) = &create.object else {
                return Err(refused("only posts are taken from announces"));
            };
            create::check_authorship(&create.actor, object)?;
            create::check_in_group(fed, community, object, budget).await?;
            let object = object.clone();
            create::store(fed, community, &object, AnyActivity::Create(create), budget).await
        }
        AnyActivity::Update(mut update) => {
            let AnyObject::Post(object) = &update.object else {
                return Err(refused("only edits of posts are taken from announces"));
            };
            let known = check_post_in(fed, community, &object.id, false).await?;
            if update.actor.as_str() == community.ap_id {
                // The community's own poll: new counts, or its outcome.
                return proposal::receive_poll(fed, community, object).await;
            }
            if !trusted {
                update.object = AnyObject::Post(create::fetch_post(fed, &object.id, budget).await?);
            }
            if known {
                return update::apply(fed, AnyActivity::Update(update), budget).await;
            }
            // An edit of a post we missed: take the post as it is now.
            let AnyObject::Post(object) = &update.object else {
                return Err(refused("only edits of posts are taken from announces"));
            };
            create::check_authorship(&update.actor, object)?;
            create::check_in_group(fed, community, object, budget).await?;
            let object = object.clone();
            create::store(fed, community, &object, AnyActivity::Update(update), budget).await
        }
        AnyActivity::Delete(delete) => {
            if !check_post_in(fed, community, &delete.object.0, false).await? {
                return Ok(());
            }
            if !trusted {
                confirm_gone(fed, &delete.object.0, budget).await?;
            }
            Box::pin(super::receive(fed, AnyActivity::Delete(delete), budget)).await
        }
        vote @ (AnyActivity::Like(_) | AnyActivity::Dislike(_)) => {
            let object = vote
                .object_id()
                .cloned()
                .ok_or_else(|| refused("no object"))?;
            check_post_in(fed, community, &object, true).await?;
            if !trusted {
                confirm_at_origin(fed, &vote, budget).await?;
            }
            like::apply(fed, vote, budget).await
        }
        AnyActivity::Undo(undone) => {
            let object = match &undone.object {
                IdOrObject::Object(taken_back) => taken_back.object_id().cloned(),
                // By id: only a like can be taken back this way here.
                IdOrObject::Id(id) => match undo::referenced_like(fed, id).await? {
                    Some((post, _)) => Url::parse(&post.ap_id).ok(),
                    None => return Ok(()),
                },
            }
            .ok_or_else(|| refused("no object"))?;
            if !check_post_in(fed, community, &object, false).await? {
                return Ok(());
            }
            if !trusted {
                confirm_at_origin(fed, &AnyActivity::Undo(undone.clone()), budget).await?;
            }
            undo::apply(fed, &undone, budget).await
        }
        other => Err(refused(format!(
            "{:?} is not taken from a community's announce",
            other.kind()
        ))),
    }
}

/// Checks that the post `object` belongs to `community`; false when we do
/// not know the post (an error instead when `required`).
async fn check_post_in(
    fed: &Federation,
    community: &CommunityRow,
    object: &Url,
    required: bool,
) -> AppResult<bool> {
    match post_in(fed, object).await? {
        Some((post, _)) if post.community_id == community.id => Ok(true),
        Some(_) => Err(refused("the post belongs to another community")),
        None if required => Err(refused("the post is not known here")),
        None => Ok(false),
    }
}

/// Fetches `activity` from its origin: it must be there, the same.
async fn confirm_at_origin(
    fed: &Federation,
    activity: &AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    let origin = fetch::<AnyActivity>(fed, activity.id(), budget)
        .await
        .map_err(fetch_failed)?;
    let same = origin.id() == activity.id()
        && origin.actor() == activity.actor()
        && origin.kind() == activity.kind()
        && origin.object_id() == activity.object_id();
    if same {
        Ok(())
    } else {
        Err(refused("the announced activity differs from its origin's"))
    }
}

/// Only the type of a document.
#[derive(Deserialize)]
struct Typed {
    #[serde(rename = "type")]
    kind: String,
}

/// A deletion announced for a member of another server is confirmed
/// there: the post, event or account must be gone (404/410) or a `Tombstone`.
pub(super) async fn confirm_gone(
    fed: &Federation,
    object: &Url,
    budget: &FetchBudget,
) -> AppResult<()> {
    match fetch::<Typed>(fed, object, budget).await {
        Err(FetchError::Gone) => Ok(()),
        Ok(document) if document.kind == "Tombstone" => Ok(()),
        Ok(_) => Err(refused("it still exists at its origin")),
        Err(err) => Err(fetch_failed(err)),
    }
}

/// A bare object the community boosts (Lemmy's `Announce{Page}` for
/// Mastodon): fetched from its origin rather than trusted.
async fn receive_boost(
    fed: &Federation,
    community: &CommunityRow,
    object_id: &Url,
    announce_id: &Url,
    budget: &FetchBudget,
) -> AppResult<()> {
    if fed.is_local(object_id) {
        return Err(refused("a community cannot announce our own posts"));
    }
    if post_in(fed, object_id).await?.is_some() {
        return Ok(());
    }
    let object = create::fetch_post(fed, object_id, budget).await?;
    create::check_in_group(fed, community, &object, budget).await?;
    let author_id = object
        .attributed_to
        .clone()
        .ok_or_else(|| refused("the post has no author"))?;
    let author = super::person(fed, &author_id, budget).await?;
    let mut conn = fed.state.pool.get().await?;
    remote::receive_post(
        &mut conn,
        &fed.state,
        community,
        &author,
        &super::read_post(fed, &object)?,
        announce_id.as_str(),
    )
    .await?;
    Ok(())
}
