//! The `proposals` and `proposal_votes` tables: charter proposals with
//! their kept counts, and one vote per person and proposal.

use super::schema::{proposal_votes, proposals};
use crate::domain::{
    charter::Charter,
    proposal::{ProposalStatus, Tally, VoteOption},
};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One stored proposal.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = proposals)]
pub struct ProposalRow {
    pub id: i64,
    /// The poll: a post by the community.
    pub post_id: i64,
    pub community_id: i64,
    pub proposer_id: Option<i64>,
    /// The whole proposed charter.
    pub charter: Charter,
    /// The charter version it was proposed against.
    pub base_version: i32,
    pub rationale: String,
    pub status: ProposalStatus,
    pub quorum: i32,
    pub closes_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub accept_count: i32,
    pub reject_count: i32,
    pub abstain_count: i32,
    /// The counts changed since the last `Update{Question}`.
    pub counts_pending: bool,
    /// The charter version it wrote, once accepted.
    pub charter_version: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl ProposalRow {
    /// The votes so far.
    pub fn tally(&self) -> Tally {
        Tally {
            accept: self.accept_count,
            reject: self.reject_count,
            abstain: self.abstain_count,
        }
    }
}

/// A new proposal.
pub struct NewProposal<'a> {
    pub post_id: i64,
    pub community_id: i64,
    pub proposer_id: Option<i64>,
    pub charter: &'a Charter,
    pub base_version: i32,
    pub rationale: &'a str,
    pub status: ProposalStatus,
    pub quorum: i32,
    pub closes_at: DateTime<Utc>,
    pub tally: Tally,
    pub created_at: DateTime<Utc>,
}

/// Inserts a proposal.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewProposal<'_>,
) -> QueryResult<ProposalRow> {
    let charter = super::typed::to_json(new.charter)?;
    diesel::insert_into(proposals::table)
        .values((
            proposals::post_id.eq(new.post_id),
            proposals::community_id.eq(new.community_id),
            proposals::proposer_id.eq(new.proposer_id),
            proposals::charter.eq(charter),
            proposals::base_version.eq(new.base_version),
            proposals::rationale.eq(new.rationale),
            proposals::status.eq(new.status.as_str()),
            proposals::quorum.eq(new.quorum),
            proposals::closes_at.eq(new.closes_at),
            proposals::accept_count.eq(new.tally.accept),
            proposals::reject_count.eq(new.tally.reject),
            proposals::abstain_count.eq(new.tally.abstain),
            proposals::created_at.eq(new.created_at),
        ))
        .returning(ProposalRow::as_returning())
        .get_result(conn)
        .await
}

/// A proposal by id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<ProposalRow>> {
    proposals::table
        .find(id)
        .select(ProposalRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A proposal by id, locked until the transaction ends (votes and the
/// close take turns on it).
pub async fn lock(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<ProposalRow>> {
    proposals::table
        .find(id)
        .select(ProposalRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The proposal whose poll is the post `post_id`.
pub async fn find_by_post(
    conn: &mut AsyncPgConnection,
    post_id: i64,
) -> QueryResult<Option<ProposalRow>> {
    proposals::table
        .filter(proposals::post_id.eq(post_id))
        .select(ProposalRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The proposals whose polls are the posts `post_ids`, in any order.
pub async fn find_by_posts(
    mut conn: &AsyncPgConnection,
    post_ids: &[i64],
) -> QueryResult<Vec<ProposalRow>> {
    proposals::table
        .filter(proposals::post_id.eq_any(post_ids))
        .select(ProposalRow::as_select())
        .load(&mut conn)
        .await
}

/// A community's proposals, newest first, before the id `before`.
pub async fn list(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    status: Option<ProposalStatus>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ProposalRow>> {
    let mut query = proposals::table
        .filter(proposals::community_id.eq(community_id))
        .select(ProposalRow::as_select())
        .order(proposals::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(proposals::status.eq(status.as_str()));
    }
    if let Some(before) = before {
        query = query.filter(proposals::id.lt(before));
    }
    query.load(conn).await
}

/// Sets the counts (and marks them for the next `Update{Question}` when
/// `pending`).
pub async fn set_tally(
    conn: &mut AsyncPgConnection,
    id: i64,
    tally: Tally,
    pending: bool,
) -> QueryResult<()> {
    diesel::update(proposals::table.find(id))
        .set((
            proposals::accept_count.eq(tally.accept),
            proposals::reject_count.eq(tally.reject),
            proposals::abstain_count.eq(tally.abstain),
            proposals::counts_pending.eq(pending),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Records how a proposal ended (`charter_version`: what it wrote).
pub async fn close(
    conn: &mut AsyncPgConnection,
    id: i64,
    status: ProposalStatus,
    closed_at: DateTime<Utc>,
    charter_version: Option<i32>,
) -> QueryResult<ProposalRow> {
    diesel::update(proposals::table.find(id))
        .set((
            proposals::status.eq(status.as_str()),
            proposals::closed_at.eq(closed_at),
            proposals::charter_version.eq(charter_version),
            proposals::counts_pending.eq(false),
        ))
        .returning(ProposalRow::as_returning())
        .get_result(conn)
        .await
}

/// What a remote community last said of its proposal.
pub async fn set_remote_state(
    conn: &mut AsyncPgConnection,
    id: i64,
    status: ProposalStatus,
    tally: Tally,
    closes_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    charter_version: Option<i32>,
) -> QueryResult<()> {
    diesel::update(proposals::table.find(id))
        .set((
            proposals::status.eq(status.as_str()),
            proposals::accept_count.eq(tally.accept),
            proposals::reject_count.eq(tally.reject),
            proposals::abstain_count.eq(tally.abstain),
            proposals::closes_at.eq(closes_at),
            proposals::closed_at.eq(closed_at),
            proposals::charter_version.eq(charter_version),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Open proposals of local communities whose voting window has passed.
pub async fn due(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    use super::schema::communities;
    proposals::table
        .inner_join(communities::table)
        .filter(proposals::status.eq(ProposalStatus::Open.as_str()))
        .filter(proposals::closes_at.le(now))
        .filter(communities::local.eq(true))
        .select(proposals::id)
        .order(proposals::closes_at.asc())
        .limit(limit)
        .load(conn)
        .await
}

/// Proposals whose counts changed since their last `Update{Question}`.
pub async fn counts_pending(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<i64>> {
    proposals::table
        .filter(proposals::counts_pending.eq(true))
        .select(proposals::id)
        .order(proposals::id.asc())
        .limit(limit)
        .load(conn)
        .await
}

/// Clears the pending mark of a proposal whose counts just went out.
pub async fn counts_sent(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(proposals::table.find(id))
        .set(proposals::counts_pending.eq(false))
        .execute(conn)
        .await
        .map(drop)
}

/// One stored vote.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = proposal_votes)]
pub struct VoteRow {
    pub proposal_id: i64,
    pub person_id: i64,
    pub option: VoteOption,
    pub ap_id: Option<String>,
    pub voted_at: DateTime<Utc>,
}

/// A person's vote on a proposal.
pub async fn vote_of(
    conn: &mut AsyncPgConnection,
    proposal_id: i64,
    person_id: i64,
) -> QueryResult<Option<VoteRow>> {
    proposal_votes::table
        .find((proposal_id, person_id))
        .select(VoteRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A person's votes on the proposals `proposal_ids`: (proposal id, option).
pub async fn votes_of(
    mut conn: &AsyncPgConnection,
    proposal_ids: &[i64],
    person_id: i64,
) -> QueryResult<Vec<(i64, VoteOption)>> {
    proposal_votes::table
        .filter(proposal_votes::proposal_id.eq_any(proposal_ids))
        .filter(proposal_votes::person_id.eq(person_id))
        .select((proposal_votes::proposal_id, proposal_votes::option))
        .load(&mut conn)
        .await
}

/// Whether the vote `ap_id` was counted already.
pub async fn vote_known(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        proposal_votes::table.filter(proposal_votes::ap_id.eq(ap_id)),
    ))
    .get_result(conn)
    .await
}

/// Stores a person's vote, replacing their earlier one.
pub async fn put_vote(
    conn: &mut AsyncPgConnection,
    proposal_id: i64,
    person_id: i64,
    option: VoteOption,
    ap_id: Option<&str>,
) -> QueryResult<()> {
    let now = Utc::now();
    diesel::insert_into(proposal_votes::table)
        .values((
            proposal_votes::proposal_id.eq(proposal_id),
            proposal_votes::person_id.eq(person_id),
            proposal_votes::option.eq(option.as_str()),
            proposal_votes::ap_id.eq(ap_id),
            proposal_votes::voted_at.eq(now),
        ))
        .on_conflict((proposal_votes::proposal_id, proposal_votes::person_id))
        .do_update()
        .set((
            proposal_votes::option.eq(option.as_str()),
            proposal_votes::ap_id.eq(ap_id),
            proposal_votes::voted_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(drop)
}
