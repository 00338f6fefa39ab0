//! Co-design through the inbox. Votes on our communities' polls, as
//! Mastodon sends them and as Guildhall sends them alike: a `Create{Note}`
//! whose `name` is the option and `inReplyTo` the poll, without content,
//! from the voter's server (sender: the voter; about: a poll of ours).
//! And the polls of remote communities we follow: a `Question` by the
//! community with our `proposal` extension, created and then updated with
//! counts and outcome, taken only from that community's announces.

use super::{person, refused};
use crate::{
    db::{self, community::CommunityRow},
    domain::{
        charter::Charter,
        proposal::{Tally, VoteOption},
    },
    error::AppResult,
    federation::{context::Federation, fetch::FetchBudget, resolve::same_origin},
    protocol::note::{PostKind, PostObject},
    services::proposal::{remote::RemoteProposal, vote},
};
use chrono::Utc;
use url::Url;

/// Whether `object` is a poll vote: a named `Note` in reply to something,
/// saying nothing else.
pub(super) fn is_vote(object: &PostObject) -> bool {
    object.kind == PostKind::Note
        && object.name.is_some()
        && object.in_reply_to.is_some()
        && object
            .content
            .as_deref()
            .is_none_or(|content| content.trim().is_empty())
}

/// `actor`'s vote `object` on one of our polls.
pub(super) async fn receive_vote(
    fed: &Federation,
    actor: &Url,
    object: &PostObject,
    budget: &FetchBudget,
) -> AppResult<()> {
    let poll = object
        .in_reply_to
        .as_ref()
        .ok_or_else(|| refused("a vote answers a poll"))?;
    let mut conn = fed.state.pool.get().await?;
    let post = db::post::find_by_ap_id(&mut conn, poll.as_str())
        .await?
        .filter(|p| p.local && !p.deleted && !p.removed)
        .ok_or_else(|| refused("votes are taken only on polls of ours"))?;
    let proposal = db::proposal::find_by_post(&mut conn, post.id)
        .await?
        .ok_or_else(|| refused("the post the vote answers is not a poll"))?;
    drop(conn);
    let voter = person(fed, actor, budget).await?;
    let option = object.name.as_deref().and_then(VoteOption::parse);
    vote::receive(&fed.state, &voter, &proposal, option, object.id.as_str()).await
}

/// A followed remote community's poll, new or updated (its actor and
/// origin were checked by the announce).
pub(super) async fn receive_poll(
    fed: &Federation,
    community: &CommunityRow,
    object: &PostObject,
) -> AppResult<()> {
    let proposal = read(community, object)?;
    let mut conn = fed.state.pool.get().await?;
    crate::services::proposal::remote::receive(&mut conn, &fed.state, community, &proposal).await?;
    Ok(())
}

/// What services need of a community's poll; a poll without our
/// extension, with a charter that does not parse, or without an end is
/// refused.
fn read(community: &CommunityRow, object: &PostObject) -> AppResult<RemoteProposal> {
    if object.kind != PostKind::Question {
        return Err(refused("a community's proposal is a Question"));
    }
    let by_community = object.attributed_to.as_ref().map(Url::as_str) == Some(&community.ap_id);
    if !by_community
        || !object
            .attributed_to
            .as_ref()
            .is_some_and(|a| same_origin(&object.id, a))
    {
        return Err(refused(
            "a community's poll is by the community, on its server",
        ));
    }
    let extension = object.proposal.as_ref().ok_or_else(|| {
        refused("a community's own posts are taken as milestones or proposals only")
    })?;
    let charter: Charter = serde_json::from_value(extension.charter.clone())
        .map_err(|err| refused(format!("the proposed charter does not parse: {err}")))?;
    let closes_at = object
        .end_time
        .ok_or_else(|| refused("the poll has no endTime"))?
        .with_timezone(&Utc);
    let mut tally = Tally::default();
    for option in &object.one_of {
        let count = option
            .replies
            .as_ref()
            .map_or(0, |r| i32::try_from(r.total_items).unwrap_or(i32::MAX));
        match VoteOption::parse(&option.name) {
            Some(VoteOption::Accept) => tally.accept = count,
            Some(VoteOption::Reject) => tally.reject = count,
            Some(VoteOption::Abstain) => tally.abstain = count,
            None => {
                return Err(refused(
                    "a proposal's options are Accept, Reject and Abstain",
                ));
            }
        }
    }
    Ok(RemoteProposal {
        ap_id: object.id.to_string(),
        title: object
            .name
            .clone()
            .unwrap_or_else(|| "Charter proposal".into()),
        html: object.content.clone().unwrap_or_default(),
        published: object
            .published
            .map_or_else(Utc::now, |p| p.with_timezone(&Utc)),
        charter,
        rationale: extension.rationale.clone(),
        base_version: extension.base_version,
        proposer: extension.proposer.as_ref().map(ToString::to_string),
        status: extension.status,
        quorum: extension.quorum,
        tally,
        closes_at,
        closed_at: object.closed.map(|c| c.with_timezone(&Utc)),
        charter_version: extension.charter_version,
    })
}
