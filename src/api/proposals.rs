//! Co-design: `/api/v1/communities/{handle}/proposals` (propose a charter
//! change, list), `…/proposals/{id}` (one, with what it changes and the
//! counts), `…/proposals/{id}/vote` and `…/proposals/{id}/close`
//! (moderators; a proposer or moderator may withdraw). `{handle}` is a
//! local name, or a remote community's `name@host` for reading and voting:
//! proposals are made and closed on the community's own server.

use super::{
    Page,
    auth::{MaybeSignedIn, SignedIn},
    json,
};
use crate::{
    domain::{
        FieldError,
        charter::Charter,
        proposal::{ProposalStatus, VoteOption},
    },
    error::{AppError, AppResult},
    federation::{context::Federation, handle},
    services::proposal::{self, ProposalView, decide, vote},
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/communities/{name}/proposals` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    /// The whole charter as it would read if accepted.
    pub charter: Charter,
    /// Why it should change.
    pub rationale: String,
}

/// `POST …/proposals/{id}/vote` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteInput {
    /// `accept`, `reject` or `abstain`.
    pub option: String,
}

/// `POST …/proposals/{id}/close` body (optional).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    /// Withdraw it instead of deciding it on the votes so far.
    #[serde(default)]
    pub withdraw: bool,
}

/// The votes so far.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TallyResponse {
    pub accept: i32,
    pub reject: i32,
    pub abstain: i32,
    /// Everyone who voted.
    pub voters: i32,
}

/// One charter field a proposal changes.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChangeResponse {
    pub field: String,
    /// Its value now (`null`: unset); once accepted, before the change.
    pub current: serde_json::Value,
    pub proposed: serde_json::Value,
}

/// A proposal as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProposalResponse {
    pub id: i64,
    /// The poll's id (a `Question`).
    pub ap_id: String,
    /// The poll as a post (replies to it are the discussion).
    pub post_id: i64,
    /// The community's handle (`name` or `name@host`).
    pub community: String,
    /// The proposer's handle, when known here.
    pub proposer: Option<String>,
    pub rationale: String,
    /// The whole proposed charter.
    pub charter: Charter,
    /// The charter version it was proposed against.
    pub base_version: i32,
    /// What it changes.
    pub changes: Vec<ChangeResponse>,
    /// `open`, `accepted`, `rejected` or `withdrawn`.
    pub status: ProposalStatus,
    pub votes: TallyResponse,
    /// Votes needed for a decision.
    pub quorum: i32,
    pub closes_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The charter version it wrote, once accepted.
    pub charter_version: Option<i32>,
    /// The caller's vote.
    pub my_vote: Option<VoteOption>,
    pub local: bool,
    pub created_at: DateTime<Utc>,
}

impl From<ProposalView> for ProposalResponse {
    fn from(v: ProposalView) -> Self {
        let tally = v.tally();
        let community = if v.community.local {
            v.community.name.clone()
        } else {
            format!("{}@{}", v.community.name, v.community.domain)
        };
        ProposalResponse {
            id: v.row.id,
            ap_id: v.post.ap_id,
            post_id: v.post.id,
            community,
            proposer: v.proposer.map(|p| p.handle()),
            rationale: v.row.rationale,
            charter: v.row.charter,
            base_version: v.row.base_version,
            changes: v
                .changes
                .into_iter()
                .map(|c| ChangeResponse {
                    field: c.field,
                    current: c.current,
                    proposed: c.proposed,
                })
                .collect(),
            status: v.row.status,
            votes: TallyResponse {
                accept: tally.accept,
                reject: tally.reject,
                abstain: tally.abstain,
                voters: tally.voters(),
            },
            quorum: v.row.quorum,
            closes_at: v.row.closes_at,
            closed_at: v.row.closed_at,
            charter_version: v.row.charter_version,
            my_vote: v.my_vote,
            local: v.community.local,
            created_at: v.row.created_at,
        }
    }
}

/// `POST /api/v1/communities/{name}/proposals` → 201 with the proposal.
pub async fn create_proposal(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: NewProposal = json::parse(&body, "")?;
    let community = handle::community(&fed, &path, true).await?;
    if !community.local {
        return Err(AppError::forbidden(
            "propose on the community's own server; votes are welcome from here",
        ));
    }
    let view = proposal::propose(
        &fed.state,
        &person,
        &community.name,
        input.charter,
        &input.rationale,
    )
    .await?;
    Ok(HttpResponse::Created().json(ProposalResponse::from(view)))
}

/// `?status=&before=&limit=` of the list.
#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    before: Option<i64>,
    limit: Option<i64>,
}

/// `GET /api/v1/communities/{handle}/proposals`: newest first.
pub async fn list_proposals(
    fed: web::Data<Federation>,
    MaybeSignedIn(reader): MaybeSignedIn,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let status = match query.status.as_deref() {
        None => None,
        Some(status) => Some(status.parse::<ProposalStatus>().map_err(|_| {
            FieldError::new(
                "status",
                "must be `open`, `accepted`, `rejected` or `withdrawn`",
            )
        })?),
    };
    let community = handle::community(&fed, &path, reader.is_some()).await?;
    let limit = query.limit.unwrap_or(20).clamp(1, 100);
    let (views, next) = proposal::list(
        &fed.state,
        &community,
        reader.as_ref(),
        status,
        query.before,
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: views
            .into_iter()
            .map(ProposalResponse::from)
            .collect::<Vec<_>>(),
        next,
    }))
}

/// `GET /api/v1/communities/{handle}/proposals/{id}`.
pub async fn get_proposal(
    fed: web::Data<Federation>,
    MaybeSignedIn(reader): MaybeSignedIn,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (handle, id) = path.into_inner();
    let community = handle::community(&fed, &handle, reader.is_some()).await?;
    let view = proposal::get(&fed.state, &community, id, reader.as_ref()).await?;
    Ok(HttpResponse::Ok().json(ProposalResponse::from(view)))
}

/// `POST /api/v1/communities/{handle}/proposals/{id}/vote` `{option}` →
/// 200 with the proposal (on a remote community's proposal, the counts
/// change when the community says so).
pub async fn vote_proposal(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    path: web::Path<(String, i64)>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let (handle, id) = path.into_inner();
    let input: VoteInput = json::parse(&body, "")?;
    let option = VoteOption::parse(&input.option)
        .ok_or_else(|| FieldError::new("option", "must be `accept`, `reject` or `abstain`"))?;
    let community = handle::community(&fed, &handle, true).await?;
    let view = vote::vote(&fed.state, &person, &community, id, option).await?;
    Ok(HttpResponse::Ok().json(ProposalResponse::from(view)))
}

/// `POST /api/v1/communities/{name}/proposals/{id}/close` `{withdraw?}` →
/// 200 with the closed proposal.
pub async fn close_proposal(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    path: web::Path<(String, i64)>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let (handle, id) = path.into_inner();
    let input: CloseInput = if body.iter().all(u8::is_ascii_whitespace) {
        CloseInput::default()
    } else {
        json::parse(&body, "")?
    };
    let community = handle::community(&fed, &handle, true).await?;
    let view = decide::close(&fed.state, &person, &community, id, input.withdraw).await?;
    Ok(HttpResponse::Ok().json(ProposalResponse::from(view)))
}
