//! Moderation that federates, in Lemmy's shapes: removing a post is a
//! moderator's `Delete` with a reason (restoring: `Undo{Delete}`), locking
//! a thread is `Lock` (`Undo{Lock}`), banning is `Block` with the community
//! as `target` (`Undo{Block}`); the community announces each one, and every
//! action lands in the moderation log.

use super::{
    AppState,
    community::require_moderator,
    outgoing::{Moderation, Outgoing},
};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow},
    error::{AppError, AppResult},
};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// A moderation log entry as readers see it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LogEntry {
    pub action: String,
    pub target: String,
    pub moderator: Option<String>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

async fn local_community_of_post(
    state: &AppState,
    post_id: i64,
) -> AppResult<(db::post::PostRow, CommunityRow)> {
    let mut conn = state.pool.get().await?;
    let post = db::post::find(&mut conn, post_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no post {post_id}")))?;
    let community = db::community::find(&mut conn, post.community_id)
        .await?
        .filter(|c| c.local)
        .ok_or_else(|| AppError::forbidden("posts are moderated on their community's instance"))?;
    Ok((post, community))
}

/// What a moderator does to a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostModeration {
    /// Remove (hide) the post; undone by restoring it.
    Remove,
    /// Lock the thread against new replies; undone by unlocking it.
    Lock,
}

/// Applies (`on = true`) or undoes a moderation of a post or reply.
pub async fn moderate_post(
    state: &AppState,
    moderator: &PersonRow,
    post_id: i64,
    what: PostModeration,
    on: bool,
    reason: Option<String>,
) -> AppResult<()> {
    let (post, community) = local_community_of_post(state, post_id).await?;
    let mut conn = state.pool.get().await?;
    require_moderator(&mut conn, &community, moderator).await?;
    let (kind, action) = match (what, on) {
        (PostModeration::Remove, true) => (Moderation::Remove, "remove_post"),
        (PostModeration::Remove, false) => (Moderation::Remove, "restore_post"),
        (PostModeration::Lock, true) => (Moderation::Lock, "lock_post"),
        (PostModeration::Lock, false) => (Moderation::Lock, "unlock_post"),
    };
    conn.transaction(async |conn| {
        match what {
            PostModeration::Remove => db::post::set_removed(conn, post.id, on).await?,
            PostModeration::Lock => db::post::set_locked(conn, post.id, on).await?,
        }
        db::moderation::log(
            conn,
            community.id,
            Some(moderator.id),
            action,
            &post.ap_id,
            reason.as_deref(),
        )
        .await?;
        let event = Outgoing::Moderated {
            community_id: community.id,
            moderator_id: moderator.id,
            action: kind,
            target: post.ap_id.clone(),
            reason: reason.clone(),
            undo: !on,
        };
        state.emit(conn, event).await
    })
    .await?;
    if what == PostModeration::Remove {
        // A removed post (a kudos among them) no longer counts in the rankings.
        state.rankings.forget(community.id);
    }
    Ok(())
}

/// Bans (or unbans) a person from a local community; a ban ends their membership.
pub async fn set_banned(
    state: &AppState,
    moderator: &PersonRow,
    community: &CommunityRow,
    person: &PersonRow,
    banned: bool,
    reason: Option<String>,
) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    require_moderator(&mut conn, community, moderator).await?;
    if !community.local {
        return Err(AppError::forbidden(
            "bans are made on the community's instance",
        ));
    }
    conn.transaction(async |conn| {
        db::moderation::set_banned(conn, community.id, person.id, banned).await?;
        let action = if banned { "ban" } else { "unban" };
        db::moderation::log(
            conn,
            community.id,
            Some(moderator.id),
            action,
            &person.ap_id,
            reason.as_deref(),
        )
        .await?;
        // Announced while the banned person is still a follower, so their instance learns of it.
        let event = Outgoing::Moderated {
            community_id: community.id,
            moderator_id: moderator.id,
            action: Moderation::Ban,
            target: person.ap_id.clone(),
            reason: reason.clone(),
            undo: !banned,
        };
        state.emit(conn, event).await?;
        if banned {
            db::follow::remove(conn, community.id, person.id).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
}

/// A community's moderation log, newest first.
pub async fn modlog(state: &AppState, community: &CommunityRow) -> AppResult<Vec<LogEntry>> {
    let mut conn = state.pool.get().await?;
    let rows = db::moderation::list(&mut conn, community.id).await?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.moderator_id).collect();
    let moderators = db::person::find_many(&conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| LogEntry {
            moderator: r
                .moderator_id
                .and_then(|id| moderators.iter().find(|m| m.id == id))
                .map(|m| m.handle()),
            action: r.action,
            target: r.target,
            reason: r.reason,
            created_at: r.created_at,
        })
        .collect())
}

/// Applies a moderation a followed remote community announced, to our copy.
pub async fn apply_remote(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    kind: Moderation,
    object: &str,
    undo: bool,
    reason: Option<&str>,
) -> AppResult<()> {
    match kind {
        Moderation::Remove | Moderation::Lock => {
            let Some(post) = db::post::find_by_ap_id(conn, object)
                .await?
                .filter(|p| p.community_id == community.id)
            else {
                return Ok(());
            };
            if kind == Moderation::Remove {
                db::post::set_removed(conn, post.id, !undo).await?;
            } else {
                db::post::set_locked(conn, post.id, !undo).await?;
            }
        }
        Moderation::Ban => {
            if let Some(person) = db::person::find_by_ap_id(conn, object).await? {
                db::moderation::set_banned(conn, community.id, person.id, !undo).await?;
                if !undo {
                    db::follow::remove(conn, community.id, person.id).await?;
                }
            }
        }
    }
    // Logged in the words of the activity that carried it (Lemmy's).
    let verb = match kind {
        Moderation::Remove => "delete",
        Moderation::Lock => "lock",
        Moderation::Ban => "block",
    };
    let action = format!("{}{verb}", if undo { "undo_" } else { "" });
    db::moderation::log(conn, community.id, None, &action, object, reason).await?;
    Ok(())
}
