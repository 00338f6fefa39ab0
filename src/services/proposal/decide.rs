//! How proposals end: at the end of their window (the clock), closed early
//! by a moderator, or withdrawn by a moderator or their proposer. The
//! decision rule is `domain::proposal::carries`; an accepted proposal
//! writes the next charter version, credited to its proposer and linked to
//! the proposal, and the first one is a milestone. The clock also sends
//! the counts that changed since the last `Update{Question}`, so a busy
//! poll sends one update per tick, not one per vote.

use super::{ProposalView, find_in, view};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow, proposal::ProposalRow},
    domain::{
        charter_change,
        milestone::Milestone,
        proposal::{self as rules, ProposalStatus},
    },
    error::{AppError, AppResult},
    services::{AppState, charter, community, milestone, outgoing::Outgoing},
};
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// Proposals the clock handles per tick, at most.
const PER_TICK: i64 = 500;

/// Closes proposal `id` of the local `community` now: decided on the votes
/// so far (moderators), or `withdraw`n (moderators or its proposer).
pub async fn close(
    state: &AppState,
    person: &PersonRow,
    community: &CommunityRow,
    id: i64,
    withdraw: bool,
) -> AppResult<ProposalView> {
    if !community.local {
        return Err(AppError::forbidden(
            "a proposal is closed on its community's own server",
        ));
    }
    let mut conn = state.pool.get().await?;
    let row = find_in(&mut conn, community, id).await?;
    let is_proposer = row.proposer_id == Some(person.id);
    if !(withdraw && is_proposer) {
        community::require_moderator(&mut conn, community, person).await?;
    }
    if row.status != ProposalStatus::Open {
        return Err(AppError::conflict(format!(
            "the proposal is {} already",
            row.status.as_str()
        )));
    }
    let closed = conn
        .transaction(async |conn| end(conn, state, id, Utc::now(), withdraw).await)
        .await?;
    let row = closed.ok_or_else(|| AppError::conflict("the proposal was closed meanwhile"))?;
    view(&mut conn, row, Some(person)).await
}

/// Ends the open proposal `id` (in the caller's transaction): withdrawn,
/// or decided on its votes. `None` when it was no longer open.
async fn end(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    id: i64,
    now: DateTime<Utc>,
    withdraw: bool,
) -> QueryResult<Option<ProposalRow>> {
    let Some(row) = db::proposal::lock(conn, id).await? else {
        return Ok(None);
    };
    if row.status != ProposalStatus::Open {
        return Ok(None);
    }
    let community = db::community::find(conn, row.community_id)
        .await?
        .ok_or(diesel::result::Error::NotFound)?;
    let (status, version) = if withdraw {
        (ProposalStatus::Withdrawn, None)
    } else if rules::carries(row.tally(), row.quorum) {
        (
            ProposalStatus::Accepted,
            adopt(conn, state, &community, &row).await?,
        )
    } else {
        (ProposalStatus::Rejected, None)
    };
    let closed = db::proposal::close(conn, id, status, now, version).await?;
    state
        .emit(conn, Outgoing::PollChanged { proposal_id: id })
        .await?;
    Ok(Some(closed))
}

/// Writes what an accepted proposal changes onto the charter as it is now
/// (fields others changed meanwhile stay, unless the proposal changed them
/// too): the next version, by the proposer. `None` when nothing is left to
/// change, or the result would not be a valid charter.
async fn adopt(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    row: &ProposalRow,
) -> QueryResult<Option<i32>> {
    let current = community.charter.clone().unwrap_or_default();
    let base = db::charter_version::find(conn, community.id, row.base_version)
        .await?
        .map_or_else(|| current.clone(), |v| v.charter);
    let merged = charter_change::apply(&current, &base, &row.charter);
    if merged == current {
        return Ok(None);
    }
    if let Err(err) = merged.validate() {
        tracing::warn!(proposal = row.id, %err, "an accepted proposal left an invalid charter");
        return Ok(None);
    }
    let proposer = match row.proposer_id {
        Some(id) => db::person::find(conn, id).await?,
        None => None,
    };
    let written = charter::write_version(
        conn,
        state,
        community,
        &merged,
        proposer.as_ref(),
        Some(row.id),
    )
    .await?;
    let first = Milestone::FirstAcceptedProposal {
        proposer: proposer.map_or_else(|| "a member".into(), |p| p.shown_name()),
    };
    milestone::celebrate(conn, state, community, first).await?;
    Ok(Some(written.version))
}

/// What the clock did in one tick.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tick {
    /// Proposals closed because their window ended.
    pub closed: usize,
    /// `Update{Question}`s sent with new counts.
    pub counts_sent: usize,
}

/// One tick of the proposal clock at `now`: decides the local proposals
/// whose window ended, then sends the counts that changed.
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> AppResult<Tick> {
    let mut conn = state.pool.get().await?;
    let mut done = Tick::default();
    for id in db::proposal::due(&mut conn, now, PER_TICK).await? {
        let ended = conn
            .transaction(async |conn| end(conn, state, id, now, false).await)
            .await?;
        done.closed += usize::from(ended.is_some());
    }
    for id in db::proposal::counts_pending(&mut conn, PER_TICK).await? {
        let sent = conn
            .transaction(async |conn| {
                let Some(row) = db::proposal::lock(conn, id).await? else {
                    return Ok(false);
                };
                if !row.counts_pending {
                    return Ok(false);
                }
                db::proposal::counts_sent(conn, id).await?;
                state
                    .emit(conn, Outgoing::PollChanged { proposal_id: id })
                    .await?;
                Ok::<_, diesel::result::Error>(true)
            })
            .await?;
        done.counts_sent += usize::from(sent);
    }
    Ok(done)
}
