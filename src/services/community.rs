//! Communities: create, read, list and change settings; moderators.

use super::{AppState, directory, outgoing::Outgoing};
use crate::{
    db::{self, DbConn, community::CommunityRow, handle::HandleKind, person::PersonRow},
    domain::{
        FieldError,
        charter::Charter,
        community::{PostingPolicy, Visibility},
        kudos::Categories,
        milestone::SwitchedOff,
        name::Handle,
        proposal,
    },
    error::{AppError, AppResult},
    signature::generate_key_pair_async,
};
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use std::sync::Arc;

/// Longest title.
const MAX_TITLE: usize = 120;
/// Longest summary (Markdown).
const MAX_SUMMARY: usize = 5000;

/// What it takes to create a community.
#[derive(Clone, Debug, Default)]
pub struct NewCommunityInput {
    pub name: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub visibility: Visibility,
    pub posting_policy: PostingPolicy,
    pub charter: Option<Charter>,
}

/// Settings a moderator may change; `None` keeps the current value.
#[derive(Clone, Debug, Default)]
pub struct CommunityUpdate {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub visibility: Option<Visibility>,
    pub posting_policy: Option<PostingPolicy>,
    /// The kudos categories members choose from.
    pub kudos_categories: Option<Categories>,
    /// The milestone kinds celebrated without a post.
    pub milestones_off: Option<SwitchedOff>,
    /// How many days voting on a charter proposal stays open.
    pub proposal_days: Option<i32>,
    /// How many must vote for a charter proposal to be decided.
    pub proposal_quorum: Option<i32>,
}

/// A community with everything a reader needs.
#[derive(Clone, Debug)]
pub struct CommunityView {
    pub row: CommunityRow,
    pub visibility: Visibility,
    pub posting_policy: PostingPolicy,
    pub moderators: Vec<PersonRow>,
    pub charter: Option<Charter>,
    pub followers: i64,
}

/// Creates a local community owned (and moderated) by `owner`.
pub async fn create_community(
    state: &AppState,
    owner: &PersonRow,
    input: NewCommunityInput,
) -> AppResult<CommunityView> {
    let handle = Handle::parse("name", &input.name)?;
    let title = input.title.unwrap_or_else(|| handle.to_string());
    check_title(&title)?;
    let summary = input.summary.unwrap_or_default();
    check_summary(&summary)?;
    if let Some(charter) = &input.charter {
        charter.validate()?;
    }
    let keys = generate_key_pair_async().await?;
    let urls = &state.urls;
    let ap_id = urls.community(handle.as_str()).to_string();
    let inbox = urls.community_part(handle.as_str(), "inbox").to_string();
    let followers = urls
        .community_part(handle.as_str(), "followers")
        .to_string();
    let shared_inbox = urls.shared_inbox().to_string();
    let mut conn = state.pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            db::handle::claim(conn, handle.as_str(), HandleKind::Community).await?;
            let row = db::community::insert(
                conn,
                &db::community::NewCommunity {
                    ap_id: &ap_id,
                    name: handle.as_str(),
                    domain: &state.settings.domain,
                    local: true,
                    title: &title,
                    summary: &summary,
                    visibility: input.visibility.as_str(),
                    posting_policy: input.posting_policy.as_str(),
                    inbox: &inbox,
                    shared_inbox: Some(&shared_inbox),
                    followers_url: Some(&followers),
                    public_key: &keys.public_pem,
                    private_key: Some(&keys.private_pem),
                },
            )
            .await?;
            db::moderator::add_moderator(conn, row.id, owner.id).await?;
            let row = match &input.charter {
                Some(charter) => {
                    db::charter_version::insert(conn, row.id, 1, charter, Some(owner.id), None)
                        .await?;
                    db::community::set_charter(conn, row.id, charter, 1).await?
                }
                None => row,
            };
            directory::sync_local(conn, state, row.id).await?;
            Ok(row)
        })
        .await
        .map_err(|err: diesel::result::Error| {
            if db::is_unique_violation(&err) {
                AppError::conflict(format!("the name `{handle}` is already taken"))
            } else {
                err.into()
            }
        })?;
    view(&mut conn, row).await
}

/// A local community by name.
pub async fn get_community(state: &AppState, name: &str) -> AppResult<CommunityView> {
    let mut conn = state.pool.get().await?;
    let row = find_row(&mut conn, name).await?;
    view(&mut conn, row).await
}

/// The full view of any community row (local or remote).
pub async fn describe(state: &AppState, row: CommunityRow) -> AppResult<CommunityView> {
    let mut conn = state.pool.get().await?;
    view(&mut conn, row).await
}

/// The communities `ids`, shared between the views of a list; `known`, a
/// row the caller already holds, is not read again.
pub async fn shared_rows(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
    known: Option<&CommunityRow>,
) -> diesel::QueryResult<Vec<Arc<CommunityRow>>> {
    let known = known.filter(|k| ids.contains(&k.id));
    let missing: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| known.is_none_or(|k| k.id != *id))
        .collect();
    let mut rows: Vec<Arc<CommunityRow>> = known.map(|k| Arc::new(k.clone())).into_iter().collect();
    if !missing.is_empty() {
        rows.extend(
            db::community::find_many(conn, &missing)
                .await?
                .into_iter()
                .map(Arc::new),
        );
    }
    Ok(rows)
}

/// Local communities by name; unlisted ones only when `include_unlisted`.
/// Returns one page and the cursor of the next.
pub async fn list_communities(
    state: &AppState,
    include_unlisted: bool,
    after: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<CommunityView>, Option<String>)> {
    let mut conn = state.pool.get().await?;
    let rows = db::community::list_local(&mut conn, include_unlisted, after, limit + 1).await?;
    let next = (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1).map(|r| r.name.clone()))
        .flatten();
    let mut views = Vec::with_capacity(rows.len());
    for row in rows.into_iter().take(limit as usize) {
        views.push(view(&mut conn, row).await?);
    }
    Ok((views, next))
}

/// Changes a community's settings; moderators and admins only.
pub async fn update_community(
    state: &AppState,
    actor: &PersonRow,
    name: &str,
    update: CommunityUpdate,
) -> AppResult<CommunityView> {
    if let Some(title) = &update.title {
        check_title(title)?;
    }
    if let Some(summary) = &update.summary {
        check_summary(summary)?;
    }
    if let Some(categories) = &update.kudos_categories {
        categories.validate()?;
    }
    proposal::check_settings(update.proposal_days, update.proposal_quorum)?;
    let kudos_categories = update.kudos_categories.as_ref().map(json).transpose()?;
    let milestones_off = update.milestones_off.as_ref().map(json).transpose()?;
    let mut conn = state.pool.get().await?;
    let row = find_row(&mut conn, name).await?;
    require_moderator(&mut conn, &row, actor).await?;
    let changes = db::community::CommunityChanges {
        title: update.title,
        summary: update.summary,
        visibility: update.visibility.map(|v| v.as_str().to_string()),
        posting_policy: update.posting_policy.map(|p| p.as_str().to_string()),
        kudos_categories,
        milestones_off,
        proposal_days: update.proposal_days,
        proposal_quorum: update.proposal_quorum,
        updated_at: Some(Utc::now()),
    };
    let row = conn
        .transaction(async |conn| {
            let row = db::community::update(conn, row.id, &changes).await?;
            directory::sync_local(conn, state, row.id).await?;
            let community_id = row.id;
            state
                .emit(conn, Outgoing::ProfileChanged { community_id })
                .await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    view(&mut conn, row).await
}

/// A setting as the JSON it is stored as.
fn json(value: &impl serde::Serialize) -> AppResult<serde_json::Value> {
    serde_json::to_value(value).map_err(AppError::internal)
}

/// The local community row named `name`, or 404.
pub(super) async fn find_row(conn: &mut DbConn, name: &str) -> AppResult<CommunityRow> {
    db::community::find_local(conn, name)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no community named `{name}`")))
}

/// Refuses (403) unless `actor` moderates the community or is an admin.
pub async fn require_moderator(
    conn: &mut DbConn,
    row: &CommunityRow,
    actor: &PersonRow,
) -> AppResult<()> {
    if actor.is_admin
        || db::moderator::moderator_ids(conn, row.id)
            .await?
            .contains(&actor.id)
    {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the community's moderators may do this",
        ))
    }
}

async fn view(conn: &mut DbConn, row: CommunityRow) -> AppResult<CommunityView> {
    let moderators = db::moderator::moderators(conn, row.id).await?;
    Ok(CommunityView {
        visibility: row.visibility,
        posting_policy: row.posting_policy,
        moderators,
        charter: row.charter.clone(),
        followers: row.follower_count,
        row,
    })
}

fn check_title(title: &str) -> Result<(), FieldError> {
    let len = title.trim().chars().count();
    if len == 0 || len > MAX_TITLE {
        return Err(FieldError::new(
            "title",
            format!("must be 1 to {MAX_TITLE} characters"),
        ));
    }
    Ok(())
}

fn check_summary(summary: &str) -> Result<(), FieldError> {
    if summary.chars().count() > MAX_SUMMARY {
        return Err(FieldError::new(
            "summary",
            format!("must be at most {MAX_SUMMARY} characters"),
        ));
    }
    Ok(())
}
