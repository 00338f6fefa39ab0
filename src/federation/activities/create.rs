//! `Create` of a post: a member posting into one of our communities (from
//! Guildhall, Lemmy or Mastodon), or a reply to one of our posts.

use super::{person, refused};
use crate::{
    db::{self, community::CommunityRow},
    error::AppResult,
    federation::{
        context::Federation,
        fetch::FetchBudget,
        protocol::{
            activity::{AnyActivity, AnyObject},
            note::PostObject,
        },
    },
    services::post::remote,
};
use url::Url;

/// A post or reply arrives.
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
    let community = community_of(fed, object).await?.ok_or_else(|| {
        refused("the post is not addressed to a community of ours and answers no post of ours")
    })?;
    let author = person(fed, &create.actor, budget).await?;
    let mut conn = fed.state.pool.get().await?;
    remote::receive_post(
        &mut conn,
        &fed.state,
        &community,
        &author,
        object,
        activity.clone(),
    )
    .await?;
    Ok(())
}

/// The object must be by the activity's actor, and hosted on its server.
pub(super) fn check_authorship(actor: &Url, object: &PostObject) -> AppResult<()> {
    if object.attributed_to.as_ref() != Some(actor) {
        return Err(refused("the object's author is not the activity's actor"));
    }
    if object.id.host_str() != actor.host_str() {
        return Err(refused("the object is not hosted on its author's server"));
    }
    Ok(())
}

/// The community a post belongs to: the one of the post it answers, else
/// the first community (ours, or one we follow) it is addressed to or mentions.
pub(super) async fn community_of(
    fed: &Federation,
    object: &PostObject,
) -> AppResult<Option<CommunityRow>> {
    let mut conn = fed.state.pool.get().await?;
    if let Some(parent) = &object.in_reply_to {
        if let Some(post) = db::post::find_by_ap_id(&mut conn, parent.as_str()).await? {
            return Ok(db::community::find(&mut conn, post.community_id).await?);
        }
    }
    let candidates = object
        .audience
        .iter()
        .chain(&object.to)
        .chain(&object.cc)
        .chain(object.mentions());
    for candidate in candidates {
        if let Some(community) = db::community::find_by_ap_id(&mut conn, candidate.as_str()).await?
        {
            if community.local || db::follow::has_local_followers(&mut conn, community.id).await? {
                return Ok(Some(community));
            }
        }
    }
    Ok(None)
}
