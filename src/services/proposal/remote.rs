//! Proposals of remote communities we follow, as their home server
//! announces them: the poll arrives as a post by the community, and its
//! counts and outcome with each `Update{Question}`. We keep what the
//! community says; our people's votes go to it (`vote`).

use crate::{
    db::{self, community::CommunityRow, proposal::ProposalRow},
    domain::{
        charter::Charter,
        markdown,
        proposal::{ProposalStatus, Tally},
    },
    error::{AppError, AppResult},
    services::{
        AppState,
        post::store::{self, CommunityPost},
    },
};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// A remote community's proposal as its poll says.
#[derive(Clone, Debug)]
pub struct RemoteProposal {
    /// The poll's id.
    pub ap_id: String,
    pub title: String,
    /// The poll's text (HTML, sanitised here).
    pub html: String,
    pub published: DateTime<Utc>,
    pub charter: Charter,
    pub rationale: String,
    pub base_version: i32,
    /// The proposer's actor id.
    pub proposer: Option<String>,
    pub status: ProposalStatus,
    pub quorum: i32,
    pub tally: Tally,
    pub closes_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub charter_version: Option<i32>,
}

/// Stores a followed remote community's new proposal, or brings a known
/// one up to date.
pub async fn receive(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    proposal: &RemoteProposal,
) -> AppResult<ProposalRow> {
    if community.local {
        return Err(AppError::forbidden("our communities run their own polls"));
    }
    proposal.charter.validate()?;
    if let Some(post) = db::post::find_by_ap_id(conn, &proposal.ap_id).await? {
        let row = db::proposal::find_by_post(conn, post.id)
            .await?
            .filter(|row| row.community_id == community.id)
            .ok_or_else(|| AppError::forbidden("that post is not this community's poll"))?;
        return update(conn, &row, proposal).await;
    }
    let proposer_id = match &proposal.proposer {
        Some(ap_id) => db::person::find_by_ap_id(conn, ap_id).await?.map(|p| p.id),
        None => None,
    };
    let html = markdown::sanitize_html(&proposal.html);
    let row = conn
        .transaction(async |conn| {
            let poll = CommunityPost {
                ap_id: Some(&proposal.ap_id),
                title: &proposal.title,
                html: &html,
                milestone: None,
                published: proposal.published,
            };
            let post = store::create_by_community(conn, state, community, poll).await?;
            let new = db::proposal::NewProposal {
                post_id: post.id,
                community_id: community.id,
                proposer_id,
                charter: &proposal.charter,
                base_version: proposal.base_version,
                rationale: &proposal.rationale,
                status: proposal.status,
                quorum: proposal.quorum.max(0),
                closes_at: proposal.closes_at,
                tally: proposal.tally,
                created_at: proposal.published,
            };
            db::proposal::insert(conn, &new).await
        })
        .await?;
    Ok(row)
}

/// What the community now says of a proposal we know.
async fn update(
    conn: &mut AsyncPgConnection,
    row: &ProposalRow,
    proposal: &RemoteProposal,
) -> AppResult<ProposalRow> {
    if row.status != ProposalStatus::Open && proposal.status == ProposalStatus::Open {
        return Err(AppError::forbidden(
            "a decided proposal does not open again",
        ));
    }
    db::proposal::set_remote_state(
        conn,
        row.id,
        proposal.status,
        proposal.tally,
        proposal.closes_at,
        proposal.closed_at,
        proposal.charter_version,
    )
    .await?;
    db::proposal::find(conn, row.id)
        .await?
        .ok_or_else(|| AppError::not_found("the proposal is gone"))
}
