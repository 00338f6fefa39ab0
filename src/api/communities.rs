//! `/api/v1/communities`: create, list, read and update communities.

use super::{
    Page,
    auth::{MaybeSignedIn, SignedIn},
    json,
};
use crate::{
    db,
    domain::{
        charter::Charter,
        community::{Membership, PostingPolicy, Visibility},
        kudos::Categories,
        milestone::SwitchedOff,
    },
    error::AppResult,
    federation::context::Federation,
    services::community::{self, CommunityUpdate, CommunityView, NewCommunityInput},
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A community as the API shows it.
#[derive(Serialize, Deserialize)]
pub struct CommunityResponse {
    pub id: i64,
    pub ap_id: String,
    pub name: String,
    pub handle: String,
    pub title: String,
    pub summary: String,
    pub visibility: Visibility,
    pub posting_policy: PostingPolicy,
    pub moderators: Vec<String>,
    pub followers: i64,
    pub charter: Option<Charter>,
    pub charter_version: i32,
    /// The kudos categories members choose from.
    pub kudos_categories: Categories,
    /// Milestone kinds celebrated without a post.
    pub milestones_off: SwitchedOff,
    /// How many days voting on a charter proposal stays open.
    pub proposal_days: i32,
    /// How many must vote for a charter proposal to be decided.
    pub proposal_quorum: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The caller's membership: `none`, `pending` or `accepted`.
    pub follow_state: Membership,
}

impl From<CommunityView> for CommunityResponse {
    fn from(view: CommunityView) -> Self {
        let row = view.row;
        let kudos_categories = row.kudos_categories();
        CommunityResponse {
            id: row.id,
            ap_id: row.ap_id,
            handle: if row.local {
                row.name.clone()
            } else {
                format!("{}@{}", row.name, row.domain)
            },
            name: row.name,
            title: row.title,
            summary: row.summary,
            visibility: view.visibility,
            posting_policy: view.posting_policy,
            moderators: view
                .moderators
                .iter()
                .map(db::person::PersonRow::handle)
                .collect(),
            followers: view.followers,
            charter: view.charter,
            charter_version: row.charter_version,
            kudos_categories,
            milestones_off: row.milestones_off,
            proposal_days: row.proposal_days,
            proposal_quorum: row.proposal_quorum,
            created_at: row.created_at,
            updated_at: row.updated_at,
            follow_state: Membership::None,
        }
    }
}

/// `POST /api/v1/communities` body.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCommunity {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default)]
    pub visibility: Visibility,
    #[serde(default)]
    pub posting_policy: PostingPolicy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charter: Option<Charter>,
}

/// `POST /api/v1/communities`: 201 with the community; 409 when the name is taken.
pub async fn create_community(
    state: web::Data<Federation>,
    SignedIn(owner): SignedIn,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: CreateCommunity = json::parse(&body, "")?;
    let view = community::create_community(
        &state,
        &owner,
        NewCommunityInput {
            name: input.name,
            title: input.title,
            summary: input.summary,
            visibility: input.visibility,
            posting_policy: input.posting_policy,
            charter: input.charter,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(CommunityResponse::from(view)))
}

#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<String>,
    limit: Option<i64>,
}

/// `GET /api/v1/communities?after=&limit=`: listed communities by name
/// (unlisted ones too for admins).
pub async fn list_communities(
    state: web::Data<Federation>,
    MaybeSignedIn(person): MaybeSignedIn,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let include_unlisted = person.is_some_and(|p| p.is_admin);
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let (views, next) =
        community::list_communities(&state, include_unlisted, query.after.as_deref(), limit)
            .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: views
            .into_iter()
            .map(CommunityResponse::from)
            .collect::<Vec<_>>(),
        next,
    }))
}

/// `GET /api/v1/communities/{handle}` (`name` or `name@host`), with the
/// caller's follow state.
pub async fn get_community(
    fed: web::Data<Federation>,
    MaybeSignedIn(person): MaybeSignedIn,
    handle: web::Path<String>,
) -> AppResult<HttpResponse> {
    let row = crate::federation::handle::community(&fed, &handle, person.is_some()).await?;
    let view = community::describe(&fed.state, row).await?;
    let mut response = CommunityResponse::from(view);
    if let Some(person) = person {
        let mut conn = fed.state.pool.get().await?;
        if let Some((state, _)) = db::follow::find(&mut conn, response.id, person.id).await? {
            response.follow_state = state.into();
        }
    }
    Ok(HttpResponse::Ok().json(response))
}

/// `PATCH /api/v1/communities/{name}` body: the fields to change.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommunity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posting_policy: Option<PostingPolicy>,
    /// The kudos categories members choose from (1–20 names of lowercase
    /// letters, digits and `_`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kudos_categories: Option<Categories>,
    /// Milestone kinds celebrated without a post (`[]`: all with posts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestones_off: Option<SwitchedOff>,
    /// How many days voting on a charter proposal stays open (1–60).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal_days: Option<i32>,
    /// How many must vote for a charter proposal to be decided (0–100000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal_quorum: Option<i32>,
}

/// `PATCH /api/v1/communities/{name}`: moderators change title, summary,
/// visibility and posting policy.
pub async fn update_community(
    state: web::Data<Federation>,
    SignedIn(person): SignedIn,
    name: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: UpdateCommunity = json::parse(&body, "")?;
    let view = community::update_community(
        &state,
        &person,
        &name,
        CommunityUpdate {
            title: input.title,
            summary: input.summary,
            visibility: input.visibility,
            posting_policy: input.posting_policy,
            kudos_categories: input.kudos_categories,
            milestones_off: input.milestones_off,
            proposal_days: input.proposal_days,
            proposal_quorum: input.proposal_quorum,
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(CommunityResponse::from(view)))
}
