//! Votes on proposals. On a local community's proposal a vote is counted
//! here under a lock on the proposal, from our people (the API, the pages)
//! and from other servers (a Mastodon or Guildhall vote through the inbox)
//! alike: one vote per person, a later different vote replacing the
//! earlier one, each vote id counted once. The counts go out in batches
//! (`decide::send_counts`). On a remote community's proposal our person's
//! vote is kept here and sent to the community, whose counts come back
//! with its next `Update{Question}`.

use super::{ProposalView, find_in, view};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow, proposal::ProposalRow},
    domain::proposal::{self as rules, ProposalStatus, VoteOption, VoteRefusal},
    error::{AppError, AppResult},
    services::{AppState, outgoing::Outgoing},
};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// A local person votes `option` on proposal `id` of `community`.
pub async fn vote(
    state: &AppState,
    person: &PersonRow,
    community: &CommunityRow,
    id: i64,
    option: VoteOption,
) -> AppResult<ProposalView> {
    let mut conn = state.pool.get().await?;
    let row = find_in(&mut conn, community, id).await?;
    let outcome = if community.local {
        count(&mut conn, community, &row, person, option, None).await?
    } else {
        send(&mut conn, state, community, &row, person, option).await?
    };
    if let Err(refusal) = outcome {
        return Err(refusal_error(refusal));
    }
    let row = db::proposal::find(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("the proposal is gone"))?;
    view(&mut conn, row, Some(person)).await
}

/// A remote person's vote `vote_id` for `option` on a local proposal.
/// A vote counted before is refused quietly; any other refusal is also
/// told to the voter in a direct note from the community.
pub async fn receive(
    state: &AppState,
    person: &PersonRow,
    row: &ProposalRow,
    option: Option<VoteOption>,
    vote_id: &str,
) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    if db::proposal::vote_known(&mut conn, vote_id).await? {
        return Err(AppError::forbidden("this vote was counted already"));
    }
    let community = db::community::find(&mut conn, row.community_id)
        .await?
        .filter(|c| c.local)
        .ok_or_else(|| AppError::forbidden("votes are counted by the proposal's community"))?;
    let reason = match option {
        None => "the poll's options are Accept, Reject and Abstain; your vote was not counted"
            .to_string(),
        Some(option) => {
            match count(&mut conn, &community, row, person, option, Some(vote_id)).await? {
                Ok(()) => return Ok(()),
                Err(refusal) => refusal.message().to_string(),
            }
        }
    };
    let refused = Outgoing::VoteRefused {
        proposal_id: row.id,
        person_id: person.id,
        reason: reason.clone(),
    };
    conn.transaction(async |conn| state.emit(conn, refused).await)
        .await?;
    Err(AppError::forbidden(reason))
}

/// Counts `person`'s vote on a local proposal, or says why not.
async fn count(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    row: &ProposalRow,
    person: &PersonRow,
    option: VoteOption,
    vote_id: Option<&str>,
) -> AppResult<Result<(), VoteRefusal>> {
    let standing = db::standing::find(conn, community.id, person.id).await?;
    let id = row.id;
    let outcome = conn
        .transaction(async |conn| {
            let Some(row) = db::proposal::lock(conn, id).await? else {
                return Ok(Err(VoteRefusal::Closed));
            };
            let earlier = db::proposal::vote_of(conn, id, person.id)
                .await?
                .map(|v| v.option);
            let open = row.status == ProposalStatus::Open && row.closes_at > chrono::Utc::now();
            if let Err(refusal) = rules::may_vote(standing, open, earlier, option) {
                return Ok(Err(refusal));
            }
            db::proposal::put_vote(conn, id, person.id, option, vote_id).await?;
            let tally = row.tally().moved(earlier, option);
            db::proposal::set_tally(conn, id, tally, true).await?;
            Ok::<_, diesel::result::Error>(Ok(()))
        })
        .await?;
    Ok(outcome)
}

/// Keeps a local person's vote on a remote proposal and sends it to the
/// community.
async fn send(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    row: &ProposalRow,
    person: &PersonRow,
    option: VoteOption,
) -> AppResult<Result<(), VoteRefusal>> {
    let standing = db::standing::find(conn, community.id, person.id).await?;
    let earlier = db::proposal::vote_of(conn, row.id, person.id)
        .await?
        .map(|v| v.option);
    let open = row.status == ProposalStatus::Open && row.closes_at > chrono::Utc::now();
    if let Err(refusal) = rules::may_vote(standing, open, earlier, option) {
        return Ok(Err(refusal));
    }
    let vote_id = state.urls.activity_id("Note").to_string();
    let (proposal_id, person_id) = (row.id, person.id);
    conn.transaction(async |conn| {
        db::proposal::put_vote(conn, proposal_id, person_id, option, Some(&vote_id)).await?;
        let cast = Outgoing::VoteCast {
            proposal_id,
            person_id,
        };
        state.emit(conn, cast).await
    })
    .await?;
    Ok(Ok(()))
}

/// The API's answer to a refused vote.
fn refusal_error(refusal: VoteRefusal) -> AppError {
    match refusal {
        VoteRefusal::Banned | VoteRefusal::NotMember => AppError::forbidden(refusal.message()),
        VoteRefusal::Closed | VoteRefusal::SameAgain => AppError::conflict(refusal.message()),
    }
}
