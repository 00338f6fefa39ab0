//! `Create` of a post: a member posting into one of our communities (from
//! Guildhall, Lemmy or Mastodon), or a reply to one of our posts. Posts in
//! remote communities arrive through the community's `Announce` instead
//! (`announce`), which calls [`store`] with the announcing community. A
//! vote on one of our polls is a `Create{Note}` too (`proposal`).

use super::{fetch_failed, kudos, only_from_its_group, person, proposal, read_post, refused, rsvp};
use crate::{
    db::{self, community::CommunityRow, post::PostRow},
    error::AppResult,
    federation::{
        context::Federation,
        fetch::{FetchBudget, fetch},
        resolve::same_origin,
    },
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity, AnyObject},
        note::PostObject,
    },
    services::post::remote,
};
use url::Url;

/// A post or reply sent to one of our communities.
pub async fn receive_create(
    fed: &Federation,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    let AnyActivity::Create(create) = &activity else {
        return Err(refused("not a Create"));
    };
    let AnyObject::Post(object) = &create.object else {
        return Err(refused(
            "only posts can be created in communities (events come later)",
        ));
    };
    check_authorship(&create.actor, object)?;
    if proposal::is_vote(object) {
        return proposal::receive_vote(fed, &create.actor, object, budget).await;
    }
    if let Some(event) = match &object.in_reply_to {
        Some(parent) => rsvp::local_event(fed, parent).await?,
        None => None,
    } {
        let status = object
            .content
            .as_deref()
            .and_then(rsvp::rsvp_in_reply)
            .ok_or_else(|| {
                refused("a reply to an event must say going, interested or not going")
            })?;
        let asked = object.id.as_str();
        return rsvp::answer(
            fed,
            &event,
            &create.actor,
            Some(status),
            asked,
            true,
            budget,
        )
        .await;
    }
    let community = community_of(fed, object).await?;
    if community.as_ref().is_none_or(|c| !c.local) && kudos::is_for_local_recipient(fed, object) {
        return kudos::for_local_recipient(fed, &create.actor, object, budget).await;
    }
    let community = community.ok_or_else(|| {
        refused("the post is not addressed to a community of ours and answers no post of ours")
    })?;
    only_from_its_group(&community)?;
    store(fed, &community, object, activity.clone(), budget).await
}

/// Stores a post of `community` that `activity` carried (and passes the
/// activity on when the community is ours).
pub(super) async fn store(
    fed: &Federation,
    community: &CommunityRow,
    object: &PostObject,
    activity: AnyActivity,
    budget: &FetchBudget,
) -> AppResult<()> {
    let author_id = object
        .attributed_to
        .as_ref()
        .ok_or_else(|| refused("the post has no author"))?;
    if author_id.as_str() == community.ap_id {
        if object.proposal.is_some() {
            return proposal::receive_poll(fed, community, object).await;
        }
        let kind = object
            .milestone
            .ok_or_else(|| refused("a community's own posts are taken as milestones only"))?;
        let post = read_post(fed, object)?;
        let mut conn = fed.state.pool.get().await?;
        remote::receive_community_post(&mut conn, &fed.state, community, &post, kind).await?;
        return Ok(());
    }
    let author = person(fed, author_id, budget).await?;
    let mut post = read_post(fed, object)?;
    post.kudos = kudos::read(fed, object, community, budget).await?;
    let mut conn = fed.state.pool.get().await?;
    remote::receive_post(
        &mut conn,
        &fed.state,
        community,
        &author,
        &post,
        activity.id().as_str(),
    )
    .await?;
    Ok(())
}

/// The object must be by the activity's actor, and hosted on its server.
pub(super) fn check_authorship(actor: &Url, object: &PostObject) -> AppResult<()> {
    if object.attributed_to.as_ref() != Some(actor) {
        return Err(refused("the object's author is not the activity's actor"));
    }
    if !same_origin(&object.id, actor) {
        return Err(refused("the object is not hosted on its author's server"));
    }
    Ok(())
}

/// The community a post belongs to: the one of the post it answers, else
/// the first community of ours it is addressed to or mentions, else the
/// first remote one we know (which the caller refuses: it must come from
/// that community's announce).
async fn community_of(fed: &Federation, object: &PostObject) -> AppResult<Option<CommunityRow>> {
    let mut conn = fed.state.pool.get().await?;
    if let Some(parent) = &object.in_reply_to
        && let Some(post) = db::post::find_by_ap_id(&mut conn, parent.as_str()).await?
    {
        return Ok(db::community::find(&mut conn, post.community_id).await?);
    }
    let candidates: Vec<&str> = addressees(object).map(Url::as_str).collect();
    let known = db::community::find_by_ap_ids(&conn, &candidates).await?;
    let first = |local: bool| {
        candidates.iter().find_map(|candidate| {
            known
                .iter()
                .find(|c| c.local == local && c.ap_id == *candidate)
        })
    };
    Ok(first(true).or_else(|| first(false)).cloned())
}

/// Everyone a post is addressed to or mentions.
pub(super) fn addressees(object: &PostObject) -> impl Iterator<Item = &Url> {
    object
        .audience
        .iter()
        .chain(&object.to)
        .chain(&object.cc)
        .chain(object.mentions())
}

/// Checks that a post announced by the remote `community` belongs to it:
/// a top-level post must be addressed to it, a reply must answer a post of
/// it. An unknown parent is fetched from its origin (within the budget)
/// and stored first, so a reply is not refused for arriving before it.
pub(super) async fn check_in_group(
    fed: &Federation,
    community: &CommunityRow,
    object: &PostObject,
    budget: &FetchBudget,
) -> AppResult<()> {
    match &object.in_reply_to {
        Some(parent) => {
            let parent = known_parent(fed, community, parent, budget).await?;
            if parent.community_id != community.id {
                return Err(refused("the post answers a post of another community"));
            }
            Ok(())
        }
        None if addressees(object).any(|a| a.as_str() == community.ap_id) => Ok(()),
        None => Err(refused(
            "the post is not addressed to the announcing community",
        )),
    }
}

/// The parent post, fetched from its origin and stored when we do not have it.
async fn known_parent(
    fed: &Federation,
    community: &CommunityRow,
    parent_id: &Url,
    budget: &FetchBudget,
) -> AppResult<PostRow> {
    let mut conn = fed.state.pool.get().await?;
    if let Some(parent) = db::post::find_by_ap_id(&mut conn, parent_id.as_str()).await? {
        return Ok(parent);
    }
    drop(conn);
    if community.local || fed.is_local(parent_id) {
        return Err(refused("a reply to a post we do not know"));
    }
    let parent = fetch_post(fed, parent_id, budget).await?;
    Box::pin(check_in_group(fed, community, &parent, budget)).await?;
    let author = parent
        .attributed_to
        .clone()
        .ok_or_else(|| refused("the parent post has no author"))?;
    let create = Activity::new(
        ActivityKind::Create,
        parent.id.clone(),
        author,
        AnyObject::Post(parent.clone()),
    );
    store(fed, community, &parent, AnyActivity::Create(create), budget).await?;
    let mut conn = fed.state.pool.get().await?;
    db::post::find_by_ap_id(&mut conn, parent_id.as_str())
        .await?
        .ok_or_else(|| refused("the parent post could not be stored"))
}

/// Fetches a post from its origin: it must have the id we asked for and
/// be hosted on its author's server.
pub(super) async fn fetch_post(
    fed: &Federation,
    id: &Url,
    budget: &FetchBudget,
) -> AppResult<Box<PostObject>> {
    let AnyObject::Post(post) = fetch::<AnyObject>(fed, id, budget)
        .await
        .map_err(fetch_failed)?
    else {
        return Err(refused("the fetched object is not a post"));
    };
    let author = post
        .attributed_to
        .as_ref()
        .ok_or_else(|| refused("the fetched post has no author"))?;
    if post.id != *id || !same_origin(&post.id, author) {
        return Err(refused(
            "the fetched post is not hosted on its author's server",
        ));
    }
    Ok(post)
}
