//! Co-design: members propose changes to their community's charter and
//! decide them by vote. A proposal's poll is a post by the community (a
//! `Question` on the wire), so it is announced, discussed in replies and
//! moderated like any post. Here: proposing, reading; `vote` (local and
//! remote votes), `decide` (closing, withdrawing, the clock that closes
//! what is due and sends counts in batches) and `remote` (the proposals of
//! communities on other servers).

pub mod decide;
pub mod remote;
pub mod vote;

use super::{AppState, community, outgoing::Outgoing};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow, post::PostRow, proposal::ProposalRow},
    domain::{
        FieldError,
        charter::Charter,
        charter_change,
        proposal::{self as rules, ProposalStatus, Tally, VoteOption},
    },
    error::{AppError, AppResult},
    services::post::store::{self, CommunityPost},
};
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use std::collections::HashMap;

/// Open proposals one person may have in a community at once.
pub const OPEN_PER_PROPOSER: usize = 3;

/// A proposal with what readers need.
#[derive(Clone, Debug)]
pub struct ProposalView {
    pub row: ProposalRow,
    pub community: CommunityRow,
    /// The poll.
    pub post: PostRow,
    pub proposer: Option<PersonRow>,
    /// What it changes: each field, as it is now and as proposed.
    pub changes: Vec<FieldChange>,
    /// The reader's vote, if they voted.
    pub my_vote: Option<VoteOption>,
}

/// One charter field a proposal changes.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    /// Its name in the charter (`purpose`, `topics`, …).
    pub field: String,
    /// Its value now (`null` when unset).
    pub current: serde_json::Value,
    /// Its value if the proposal is accepted.
    pub proposed: serde_json::Value,
}

impl ProposalView {
    /// The votes so far.
    pub fn tally(&self) -> Tally {
        self.row.tally()
    }
}

/// Proposes `charter` (the whole charter as the proposer wants it) for the
/// local community `name`, because of `rationale`.
pub async fn propose(
    state: &AppState,
    proposer: &PersonRow,
    name: &str,
    charter: Charter,
    rationale: &str,
) -> AppResult<ProposalView> {
    charter.validate()?;
    rules::check_rationale(rationale)?;
    let mut conn = state.pool.get().await?;
    let community = community::find_row(&mut conn, name).await?;
    let standing = db::standing::find(&mut conn, community.id, proposer.id).await?;
    rules::may_propose(standing).map_err(AppError::forbidden)?;
    let current = community.charter.clone().unwrap_or_default();
    let changed = charter_change::changed_fields(&current, &charter);
    if changed.is_empty() {
        return Err(FieldError::new("charter", "proposes no change to the current charter").into());
    }
    let open = db::proposal::list(
        &mut conn,
        community.id,
        Some(ProposalStatus::Open),
        None,
        100,
    )
    .await?;
    if open
        .iter()
        .filter(|p| p.proposer_id == Some(proposer.id))
        .count()
        >= OPEN_PER_PROPOSER
    {
        return Err(AppError::conflict(format!(
            "you already have {OPEN_PER_PROPOSER} open proposals here; let them close first"
        )));
    }
    let now = Utc::now();
    let closes_at = rules::closes_at(now, community.proposal_days);
    let (title, html) = poll_text(
        proposer, &community, &current, &charter, rationale, closes_at,
    );
    let row = conn
        .transaction(async |conn| {
            let poll = CommunityPost {
                ap_id: None,
                title: &title,
                html: &html,
                milestone: None,
                published: now,
            };
            let post = store::insert_by_community(conn, state, &community, poll).await?;
            let new = db::proposal::NewProposal {
                post_id: post.id,
                community_id: community.id,
                proposer_id: Some(proposer.id),
                charter: &charter,
                base_version: community.charter_version,
                rationale,
                status: ProposalStatus::Open,
                quorum: community.proposal_quorum,
                closes_at,
                tally: Tally::default(),
                created_at: now,
            };
            let row = db::proposal::insert(conn, &new).await?;
            let post_id = post.id;
            state.emit(conn, Outgoing::PostCreated { post_id }).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    view(&mut conn, row, Some(proposer)).await
}

/// The poll's title and its text (HTML): who proposes what, why, and how
/// to vote. Mastodon shows the text with the poll under it.
fn poll_text(
    proposer: &PersonRow,
    community: &CommunityRow,
    current: &Charter,
    proposed: &Charter,
    rationale: &str,
    closes_at: chrono::DateTime<Utc>,
) -> (String, String) {
    let changes = field_changes(current, current, proposed);
    let names: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    let title = format!("Charter proposal: {}", names.join(", ").replace('_', " "));
    let html = maud::html! {
        p {
            strong { "Charter proposal for " (community.title) } " by " (proposer.shown_name())
        }
        p { (rationale) }
        ul {
            @for change in &changes {
                li { strong { (change.field.replace('_', " ")) } ": " (shown(&change.proposed)) }
            }
        }
        p {
            "Members vote Accept, Reject or Abstain until "
            (closes_at.format("%Y-%m-%d %H:%M UTC")) "."
        }
    }
    .into_string();
    (title, html)
}

/// A charter value as a line of text.
fn shown(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "(removed)".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join("; "),
        serde_json::Value::Object(map) => map
            .values()
            .map(shown)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The fields `proposed` changes against `base`, each with its value in
/// `shown` (the charter now, or the base) and as proposed.
fn field_changes(base: &Charter, shown: &Charter, proposed: &Charter) -> Vec<FieldChange> {
    let value = |c: &Charter| serde_json::to_value(c).unwrap_or_default();
    let (now, then) = (value(shown), value(proposed));
    charter_change::changed_fields(base, proposed)
        .into_iter()
        .map(|field| FieldChange {
            current: now.get(&field).cloned().unwrap_or_default(),
            proposed: then.get(&field).cloned().unwrap_or_default(),
            field,
        })
        .collect()
}

/// A community's proposals (`status`: only those), newest first.
pub async fn list(
    state: &AppState,
    community: &CommunityRow,
    reader: Option<&PersonRow>,
    status: Option<ProposalStatus>,
    before: Option<i64>,
    limit: i64,
) -> AppResult<(Vec<ProposalView>, Option<String>)> {
    let mut conn = state.pool.get().await?;
    let mut rows = db::proposal::list(&mut conn, community.id, status, before, limit + 1).await?;
    let next = (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1).map(|r| r.id.to_string()))
        .flatten();
    rows.truncate(limit as usize);
    let views = views_of(&mut conn, community, rows, reader).await?;
    Ok((views, next))
}

/// Proposal `id` of `community` (404 when it is another's, or its poll
/// was removed).
pub async fn get(
    state: &AppState,
    community: &CommunityRow,
    id: i64,
    reader: Option<&PersonRow>,
) -> AppResult<ProposalView> {
    let mut conn = state.pool.get().await?;
    let row = find_in(&mut conn, community, id).await?;
    view(&mut conn, row, reader).await
}

/// Proposal `id` if it belongs to `community`, else 404.
pub(crate) async fn find_in(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    id: i64,
) -> AppResult<ProposalRow> {
    db::proposal::find(conn, id)
        .await?
        .filter(|p| p.community_id == community.id)
        .ok_or_else(|| AppError::not_found(format!("no proposal {id} in this community")))
}

/// The view of a proposal row, for `reader`.
pub(crate) async fn view(
    conn: &mut AsyncPgConnection,
    row: ProposalRow,
    reader: Option<&PersonRow>,
) -> AppResult<ProposalView> {
    let missing = || AppError::not_found("the proposal's community or poll is gone");
    let community = db::community::find(conn, row.community_id)
        .await?
        .ok_or_else(missing)?;
    views_of(conn, &community, vec![row], reader)
        .await?
        .pop()
        .ok_or_else(missing)
}

/// The views of `community`'s proposals `rows`, for `reader`, read
/// together: a few queries however many there are. A proposal whose poll
/// was deleted or removed is left out.
async fn views_of(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    rows: Vec<ProposalRow>,
    reader: Option<&PersonRow>,
) -> AppResult<Vec<ProposalView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let post_ids: Vec<i64> = rows.iter().map(|r| r.post_id).collect();
    let proposer_ids: Vec<i64> = rows.iter().filter_map(|r| r.proposer_id).collect();
    let versions: Vec<i32> = rows.iter().map(|r| r.base_version).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // Sent together on the one connection (pipelined): one round trip.
    let shared: &AsyncPgConnection = conn;
    let (polls, proposers, bases, votes) = futures_util::try_join!(
        db::post::find_many(shared, &post_ids),
        async {
            if proposer_ids.is_empty() {
                Ok(Vec::new())
            } else {
                db::person::find_many(shared, &proposer_ids).await
            }
        },
        // What each changes is read against the version it was proposed
        // on (a remote community's versions are not kept here: its
        // charter now).
        async {
            if community.local {
                db::charter_version::find_many(shared, community.id, &versions).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            match reader {
                Some(reader) => db::proposal::votes_of(shared, &ids, reader.id).await,
                None => Ok(Vec::new()),
            }
        },
    )?;
    let mut polls: HashMap<i64, PostRow> = polls
        .into_iter()
        .filter(|p| !p.deleted && !p.removed)
        .map(|p| (p.id, p))
        .collect();
    let proposers: HashMap<i64, PersonRow> = proposers.into_iter().map(|p| (p.id, p)).collect();
    let bases: HashMap<i32, Charter> = bases.into_iter().map(|v| (v.version, v.charter)).collect();
    let votes: HashMap<i64, VoteOption> = votes.into_iter().collect();
    let current = community.charter.clone().unwrap_or_default();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let post = polls.remove(&row.post_id)?;
            let base = bases.get(&row.base_version).unwrap_or(&current);
            // Shown against the charter now, or once accepted against the base.
            let shown = match row.status {
                ProposalStatus::Accepted => base,
                _ => &current,
            };
            Some(ProposalView {
                changes: field_changes(base, shown, &row.charter),
                proposer: row.proposer_id.and_then(|id| proposers.get(&id).cloned()),
                my_vote: votes.get(&row.id).copied(),
                community: community.clone(),
                post,
                row,
            })
        })
        .collect())
}
