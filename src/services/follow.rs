//! Membership: following communities (local or remote), the answers
//! (`Accept` / `Reject`) and leaving (`Undo{Follow}`).

use super::{AppState, community::require_moderator, milestone, outgoing::Outgoing};
use crate::{
    db::{self, community::CommunityRow, follow::FollowState, person::PersonRow},
    domain::community::Visibility,
    error::{AppError, AppResult},
};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// A local person joins a community; remote ones get a `Follow`.
pub async fn follow(
    state: &AppState,
    person: &PersonRow,
    community: &CommunityRow,
) -> AppResult<FollowState> {
    let mut conn = state.pool.get().await?;
    if db::community::is_banned(&mut conn, community.id, person.id).await? {
        return Err(AppError::forbidden("you are banned from this community"));
    }
    if let Some((FollowState::Accepted, _)) =
        db::follow::find(&mut conn, community.id, person.id).await?
    {
        return Ok(FollowState::Accepted);
    }
    if community.local {
        let state_ = if community.visibility == Visibility::ApprovalRequired {
            FollowState::Pending
        } else {
            FollowState::Accepted
        };
        conn.transaction(async |conn| {
            db::follow::upsert(conn, community.id, person.id, state_, None).await?;
            if state_ == FollowState::Accepted {
                milestone::members_changed(conn, state, community).await?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .await?;
        return Ok(state_);
    }
    let follow_id = state.urls.activity_id("Follow").to_string();
    conn.transaction(async |conn| {
        db::follow::upsert(
            conn,
            community.id,
            person.id,
            FollowState::Pending,
            Some(follow_id.as_str()),
        )
        .await?;
        let event = Outgoing::Followed {
            community_id: community.id,
            person_id: person.id,
            follow_id,
        };
        state.emit(conn, event).await
    })
    .await?;
    Ok(FollowState::Pending)
}

/// A local person leaves a community; remote ones get `Undo{Follow}`.
pub async fn unfollow(
    state: &AppState,
    person: &PersonRow,
    community: &CommunityRow,
) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    let Some((_, follow_id)) = db::follow::find(&mut conn, community.id, person.id).await? else {
        return Err(AppError::not_found(
            "you are not a member of this community",
        ));
    };
    conn.transaction(async |conn| {
        db::follow::remove(conn, community.id, person.id).await?;
        if let (false, Some(follow_id)) = (community.local, follow_id) {
            let event = Outgoing::Unfollowed {
                community_id: community.id,
                person_id: person.id,
                follow_id,
            };
            state.emit(conn, event).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
}

/// A remote person asked to follow a local community with `follow_id`:
/// accept at once, or keep it pending for approval-required communities,
/// or refuse the banned.
pub async fn receive_follow(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    follower: &PersonRow,
    follow_id: &str,
) -> diesel::QueryResult<FollowState> {
    if db::community::is_banned(conn, community.id, follower.id).await? {
        answer(conn, state, community, follower, follow_id, false).await?;
        return Ok(FollowState::Pending);
    }
    let pending = community.visibility == Visibility::ApprovalRequired;
    let new_state = if pending {
        FollowState::Pending
    } else {
        FollowState::Accepted
    };
    conn.transaction(async |conn| {
        db::follow::upsert(conn, community.id, follower.id, new_state, Some(follow_id)).await?;
        if !pending {
            answer(conn, state, community, follower, follow_id, true).await?;
            milestone::members_changed(conn, state, community).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(new_state)
}

/// A remote follower leaves a local community (`Undo{Follow}`): the
/// membership ends, and so do the community's deliveries to their inbox.
pub async fn receive_unfollow(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    follower: &PersonRow,
) -> diesel::QueryResult<()> {
    conn.transaction(async |conn| {
        db::follow::remove(conn, community.id, follower.id).await?;
        stop_deliveries(conn, community, follower).await
    })
    .await
}

/// Drops the community's pending deliveries to the inbox a former member
/// used, unless other members share that inbox.
pub(crate) async fn stop_deliveries(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    former: &PersonRow,
) -> diesel::QueryResult<()> {
    let inbox = former.shared_inbox.as_deref().unwrap_or(&former.inbox);
    let still_used = db::follow::follower_inboxes(conn, community.id)
        .await?
        .iter()
        .any(|f| f.inbox == inbox);
    if !still_used {
        db::delivery::cancel(conn, inbox, &community.ap_id).await?;
    }
    Ok(())
}

/// The community accepts (or refuses) the follow `follow_id`.
async fn answer(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    follower: &PersonRow,
    follow_id: &str,
    accepted: bool,
) -> diesel::QueryResult<()> {
    let event = Outgoing::FollowAnswered {
        community_id: community.id,
        follower_id: follower.id,
        follow_id: follow_id.to_owned(),
        accepted,
    };
    state.emit(conn, event).await
}

/// A moderator approves (or refuses) a pending follower of a local community.
pub async fn decide(
    state: &AppState,
    moderator: &PersonRow,
    community: &CommunityRow,
    follower_ap_id: &str,
    approve: bool,
) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    require_moderator(&mut conn, community, moderator).await?;
    let follower = db::person::find_by_ap_id(&mut conn, follower_ap_id)
        .await?
        .ok_or_else(|| AppError::not_found("no such follower"))?;
    let Some((FollowState::Pending, follow_id)) =
        db::follow::find(&mut conn, community.id, follower.id).await?
    else {
        return Err(AppError::not_found("no pending follow from this person"));
    };
    conn.transaction(async |conn| {
        if approve {
            db::follow::accept(conn, community.id, follower.id).await?;
            milestone::members_changed(conn, state, community).await?;
        } else {
            db::follow::remove(conn, community.id, follower.id).await?;
        }
        if let (false, Some(follow_id)) = (follower.local, follow_id) {
            answer(conn, state, community, &follower, &follow_id, approve).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
}
