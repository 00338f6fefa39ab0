//! Membership: following communities (local or remote), the answers
//! (`Accept` / `Reject`) and leaving (`Undo{Follow}`).

use super::{
    AppState,
    community::require_moderator,
    outbox::{activity_id, publish},
};
use crate::{
    db::{self, community::CommunityRow, follow::FollowState, person::PersonRow},
    error::{AppError, AppResult},
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity, Reference},
        lenient::IdOrObject,
    },
};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use url::Url;

fn parse(url: &str) -> Result<Url, diesel::result::Error> {
    Url::parse(url).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
}

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
        let state_ =
            if community.visibility == crate::domain::community::Visibility::ApprovalRequired {
                FollowState::Pending
            } else {
                FollowState::Accepted
            };
        db::follow::upsert(&mut conn, community.id, person.id, state_, None).await?;
        return Ok(state_);
    }
    let follow_id = activity_id(&state.urls, ActivityKind::Follow);
    conn.transaction(async |conn| {
        db::follow::upsert(
            conn,
            community.id,
            person.id,
            FollowState::Pending,
            Some(follow_id.as_str()),
        )
        .await?;
        let mut follow = Activity::new(
            ActivityKind::Follow,
            follow_id.clone(),
            parse(&person.ap_id)?,
            Reference(parse(&community.ap_id)?),
        );
        follow.to = vec![parse(&community.ap_id)?];
        publish(conn, follow, std::slice::from_ref(&community.inbox)).await
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
            let actor = parse(&person.ap_id)?;
            let follow = Activity::new(
                ActivityKind::Follow,
                parse(&follow_id)?,
                actor.clone(),
                Reference(parse(&community.ap_id)?),
            );
            let mut undo = Activity::new(
                ActivityKind::Undo,
                activity_id(&state.urls, ActivityKind::Undo),
                actor,
                IdOrObject::Object(Box::new(AnyActivity::Follow(follow))),
            );
            undo.to = vec![parse(&community.ap_id)?];
            publish(conn, undo, std::slice::from_ref(&community.inbox)).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
}

/// A remote person asked to follow a local community: accept at once,
/// or keep it pending for approval-required communities, or refuse the banned.
pub async fn receive_follow(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    follower: &PersonRow,
    follow: &Activity<Reference>,
) -> diesel::QueryResult<FollowState> {
    if db::community::is_banned(conn, community.id, follower.id).await? {
        answer(
            conn,
            state,
            community,
            follower,
            follow,
            ActivityKind::Reject,
        )
        .await?;
        return Ok(FollowState::Pending);
    }
    let pending = community.visibility == crate::domain::community::Visibility::ApprovalRequired;
    let new_state = if pending {
        FollowState::Pending
    } else {
        FollowState::Accepted
    };
    conn.transaction(async |conn| {
        db::follow::upsert(
            conn,
            community.id,
            follower.id,
            new_state,
            Some(follow.id.as_str()),
        )
        .await?;
        if !pending {
            answer(
                conn,
                state,
                community,
                follower,
                follow,
                ActivityKind::Accept,
            )
            .await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(new_state)
}

/// Sends `Accept` or `Reject` of `follow` from the community to the follower.
async fn answer(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    follower: &PersonRow,
    follow: &Activity<Reference>,
    kind: ActivityKind,
) -> diesel::QueryResult<()> {
    let mut activity = Activity::new(
        kind,
        activity_id(&state.urls, kind),
        parse(&community.ap_id)?,
        IdOrObject::Object(Box::new(AnyActivity::Follow(follow.embeddable()))),
    );
    activity.to = vec![parse(&follower.ap_id)?];
    publish(conn, activity, std::slice::from_ref(&follower.inbox)).await
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
        } else {
            db::follow::remove(conn, community.id, follower.id).await?;
        }
        if let (false, Some(follow_id)) = (follower.local, follow_id) {
            let follow = Activity::new(
                ActivityKind::Follow,
                parse(&follow_id)?,
                parse(&follower.ap_id)?,
                Reference(parse(&community.ap_id)?),
            );
            let kind = if approve {
                ActivityKind::Accept
            } else {
                ActivityKind::Reject
            };
            answer(conn, state, community, &follower, &follow, kind).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
}
