//! Kudos: a member thanks someone (local, on another Guildhall, on
//! Mastodon) in a community. A kudos is a post that carries a `kudos` row,
//! so it is stored, announced, deleted and removed like any post; a kudos
//! that reaches us only because its recipient lives here is a row alone.
//! Also the kudos wall and a person's kudos across communities.

use super::{
    AppState,
    post::{
        self,
        store::{self, Draft, Origin},
    },
};
use crate::{
    db::{
        self, DbConn,
        community::CommunityRow,
        kudos::{KudosRow, NewKudos, Role},
        person::PersonRow,
        post::PostContent,
    },
    domain::{
        FieldError,
        kudos::{self as rules, KUDOS_PER_HOUR},
        media::Attachments,
    },
    error::{AppError, AppResult, ErrorKind},
};
use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;
use std::collections::HashMap;
use std::sync::Arc;

/// The kudos a new post carries (see `post::store`).
#[derive(Clone, Copy, Debug)]
pub struct KudosDraft<'a> {
    pub recipient: &'a PersonRow,
    /// What the giver thanks for, as plain text.
    pub message: &'a str,
    pub category: Option<&'a str>,
    /// The id of the post or event it thanks for.
    pub thanks_for: Option<&'a str>,
}

/// What a local person asks to give.
#[derive(Clone, Debug)]
pub struct KudosRequest {
    pub message: String,
    pub category: Option<String>,
    /// The post or event it thanks for: its id (URL).
    pub thanks_for: Option<String>,
}

/// A kudos as readers see it.
#[derive(Clone, Debug)]
pub struct KudosView {
    pub row: KudosRow,
    /// Shared by the views of one list (a page holds many).
    pub community: Arc<CommunityRow>,
    pub giver: PersonRow,
    pub recipient: PersonRow,
}

/// `giver` thanks `recipient` in `community`: checked, then stored as a
/// post of the giver's that federates like any other (and reaches the
/// recipient's own server too).
pub async fn give(
    state: &AppState,
    giver: &PersonRow,
    community: &CommunityRow,
    recipient: &PersonRow,
    request: &KudosRequest,
) -> AppResult<KudosView> {
    let message = rules::check_message(&request.message)?;
    let categories = community.kudos_categories();
    if let Some(category) = &request.category
        && !categories.contains(category)
    {
        return Err(FieldError::new(
            "category",
            format!(
                "`{category}` is not a category here; this community has: {}",
                categories.0.join(", ")
            ),
        )
        .into());
    }
    if recipient.id == giver.id {
        return Err(FieldError::new("recipient", "you cannot give kudos to yourself").into());
    }
    if recipient.deleted_at.is_some() {
        return Err(FieldError::new("recipient", "this account was deleted").into());
    }
    let mut conn = state.pool.get().await?;
    if db::community::is_banned(&mut conn, community.id, recipient.id).await? {
        return Err(
            FieldError::new("recipient", "this person is banned from the community").into(),
        );
    }
    let thanks_for = match &request.thanks_for {
        Some(link) => Some(thanked_thing(&mut conn, community, link).await?),
        None => None,
    };
    let hour_ago = Utc::now() - Duration::hours(1);
    if db::kudos::count_given_since(&mut conn, giver.id, hour_ago).await? >= KUDOS_PER_HOUR {
        return Err(AppError::new(
            ErrorKind::TooManyRequests,
            format!("at most {KUDOS_PER_HOUR} kudos an hour; thank you for being generous"),
        )
        .retry_after(std::time::Duration::from_secs(600)));
    }
    let handle = format!(
        "@{}@{}",
        recipient.username.as_deref().unwrap_or("someone"),
        recipient.domain
    );
    let mut wall = state.urls.community(&community.name);
    wall.set_fragment(Some("kudos"));
    let html = rules::sentence_html(
        &handle,
        &recipient.ap_id,
        request.category.as_deref(),
        message,
        thanks_for.as_deref(),
        wall.as_str(),
    );
    let nothing = Attachments::default();
    let draft = Draft {
        ap_id: None,
        content: PostContent {
            title: None,
            title_derived: false,
            content: &html,
            source: None,
            content_warning: None,
            sensitive: false,
            attachments: &nothing,
            updated: None,
        },
        published: Utc::now(),
        kudos: Some(KudosDraft {
            recipient,
            message,
            category: request.category.as_deref(),
            thanks_for: thanks_for.as_deref(),
        }),
    };
    let post = store::create(
        &mut conn,
        state,
        community,
        giver,
        None,
        draft,
        Origin::Local,
    )
    .await?;
    let row = db::kudos::find_by_post(&mut conn, post.id)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("kudos {} not stored", post.ap_id)))?;
    Ok(KudosView {
        row,
        community: Arc::new(community.clone()),
        giver: giver.clone(),
        recipient: recipient.clone(),
    })
}

/// The id of the post or event of `community` that `link` names (its URL);
/// 422 otherwise.
async fn thanked_thing(
    conn: &mut DbConn,
    community: &CommunityRow,
    link: &str,
) -> AppResult<String> {
    if let Some(post) = db::post::find_by_ap_id(conn, link).await?
        && !post.deleted
        && !post.removed
        && post.community_id == community.id
    {
        return Ok(post.ap_id);
    }
    if let Some(event) = db::event::find_by_ap_id(conn, link).await?
        && event.community_id == community.id
    {
        return Ok(event.ap_id);
    }
    Err(FieldError::new("for", "not the URL of a post or event of this community").into())
}

/// Records a kudos that reached us because its recipient lives here, in a
/// community we do not hold (no post of ours carries it).
pub async fn receive_for_recipient(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    giver: &PersonRow,
    draft: &KudosDraft<'_>,
    ap_id: &str,
    published: DateTime<Utc>,
) -> AppResult<()> {
    if !draft.recipient.local {
        return Err(AppError::forbidden(
            "the kudos' recipient does not live here",
        ));
    }
    if draft.recipient.id == giver.id {
        return Err(AppError::forbidden("a kudos to oneself is not counted"));
    }
    let new = NewKudos {
        ap_id,
        community_id: community.id,
        giver_id: giver.id,
        recipient_id: draft.recipient.id,
        post_id: None,
        message: draft.message,
        category: draft.category,
        thanks_for: draft.thanks_for,
        local: false,
        published,
    };
    db::kudos::insert(conn, &new).await?;
    Ok(())
}

/// A kudos' giver takes it back (a `Delete`), or a moderator of its local
/// community removes it (a `Remove`).
pub async fn withdraw(state: &AppState, person: &PersonRow, id: i64) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    let row = db::kudos::find(&mut conn, id)
        .await?
        .filter(|k| !k.removed)
        .ok_or_else(|| AppError::not_found(format!("no kudos {id}")))?;
    let post_id = row
        .post_id
        .ok_or_else(|| AppError::forbidden("this kudos is managed by its community's instance"))?;
    drop(conn);
    if row.giver_id == person.id {
        post::edit::delete_post(state, person, post_id).await
    } else {
        super::moderation::moderate_post(
            state,
            person,
            post_id,
            super::moderation::PostModeration::Remove,
            true,
            Some("kudos removed by a moderator".into()),
        )
        .await
    }
}

/// A community's kudos wall: newest first, with the cursor of the next page.
pub async fn wall(
    state: &AppState,
    community: &CommunityRow,
    before: Option<i64>,
    limit: i64,
) -> AppResult<(Vec<KudosView>, Option<String>)> {
    let mut conn = state.pool.get().await?;
    let rows = db::kudos::list_community(&mut conn, community.id, before, limit + 1).await?;
    page(&mut conn, rows, limit, Some(community)).await
}

/// A person's kudos (received, given, or both) in every community.
pub async fn of_person(
    state: &AppState,
    person: &PersonRow,
    role: Role,
    before: Option<i64>,
    limit: i64,
) -> AppResult<(Vec<KudosView>, Option<String>)> {
    let mut conn = state.pool.get().await?;
    let rows = db::kudos::list_person(&mut conn, person.id, role, before, limit + 1).await?;
    page(&mut conn, rows, limit, None).await
}

/// Views of the first `limit` rows, and the cursor when there are more;
/// their people and communities read in one query each, whatever the
/// number of rows (`known`: their community, when the caller holds it).
async fn page(
    conn: &mut DbConn,
    mut rows: Vec<KudosRow>,
    limit: i64,
    known: Option<&CommunityRow>,
) -> AppResult<(Vec<KudosView>, Option<String>)> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    let mut ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.giver_id, r.recipient_id])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let people: HashMap<i64, PersonRow> = db::person::find_many(conn, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let community_ids: Vec<i64> = rows.iter().map(|r| r.community_id).collect();
    let communities: HashMap<i64, Arc<CommunityRow>> =
        super::community::shared_rows(conn, &community_ids, known)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let (Some(community), Some(giver), Some(recipient)) = (
            communities.get(&row.community_id),
            people.get(&row.giver_id),
            people.get(&row.recipient_id),
        ) else {
            continue;
        };
        views.push(KudosView {
            community: community.clone(),
            giver: giver.clone(),
            recipient: recipient.clone(),
            row,
        });
    }
    Ok((views, next))
}
