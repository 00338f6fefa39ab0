//! Partner links: the `partner` policy (the allowlist) plus a follow between
//! the two instance actors, over which each side announces its listed
//! communities. Linking follows the partner's instance actor (and accepts
//! its follow if it asked first); unlinking undoes our follow, ends theirs
//! and drops their entries from our directory. A follow from another
//! instance's actor is accepted at once, or, with
//! `partner_requests_need_approval`, when an admin links that instance.

use super::{AppState, federation_admin::parse_domain, outgoing::Outgoing};
use crate::{
    db::{
        self,
        peer::{LINK_ACCEPTED, LINK_PENDING, LinkRow, LinkSide, PeerPolicy},
    },
    error::{AppError, AppResult},
};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// Another instance's actor, as found by the federation layer.
#[derive(Clone, Debug)]
pub struct InstanceActor {
    pub id: String,
    /// Its shared inbox when it has one, else its inbox.
    pub inbox: String,
}

/// A link as an admin sees it after a change.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LinkState {
    pub domain: String,
    /// `partner` or `none`.
    pub policy: String,
    /// Our follow of their instance actor: `pending`, `accepted`, or
    /// `unreachable` (their instance actor could not be found; adding the
    /// partner again tries again), or `none`.
    pub following: String,
    /// Their instance actor's follow of ours: `pending`, `accepted` or `none`.
    pub followed_by: String,
}

fn describe(domain: &str, link: Option<&LinkRow>, reachable: bool) -> LinkState {
    let state = |s: Option<&String>| s.cloned().unwrap_or_else(|| "none".to_string());
    LinkState {
        domain: domain.to_string(),
        policy: link
            .map(|l| l.policy().as_str())
            .unwrap_or("none")
            .to_string(),
        following: match link.and_then(|l| l.follow_state.as_ref()) {
            Some(s) => s.clone(),
            None if !reachable => "unreachable".to_string(),
            None => "none".to_string(),
        },
        followed_by: state(link.and_then(|l| l.follower_state.as_ref())),
    }
}

/// Makes `domain` a partner; when its instance actor is known (`actor`),
/// our instance actor follows it (unless it does already) and accepts its
/// waiting follow. A blocked instance must be unblocked first (409).
pub async fn link(
    state: &AppState,
    domain: &str,
    actor: Option<InstanceActor>,
) -> AppResult<LinkState> {
    let domain = parse_domain(domain)?;
    let mut conn = state.pool.get().await?;
    let reachable = actor.is_some();
    let link = conn
        .transaction(async |conn| {
            if db::peer::policy(conn, &domain).await? == PeerPolicy::Blocked {
                return Err(AppError::conflict(format!(
                    "{domain} is blocked; unblock it first"
                )));
            }
            db::peer::set_policy(conn, &domain, PeerPolicy::Partner).await?;
            if let Some(actor) = &actor {
                db::peer::set_instance_actor(conn, &domain, &actor.id, &actor.inbox).await?;
            }
            let link = db::peer::link(conn, &domain)
                .await?
                .ok_or(diesel::result::Error::NotFound)?;
            if actor.is_some() && link.follow_ap_id.is_none() {
                let follow_id = state.urls.activity_id("Follow").to_string();
                db::peer::set_link_follow(
                    conn,
                    &domain,
                    LinkSide::Ours,
                    Some((&follow_id, LINK_PENDING)),
                )
                .await?;
                state
                    .emit(
                        conn,
                        Outgoing::PartnerFollowed {
                            domain: domain.clone(),
                        },
                    )
                    .await?;
            }
            if link.follower_state.as_deref() == Some(LINK_PENDING) {
                answer(conn, state, &link, true).await?;
            }
            Ok(db::peer::link(conn, &domain).await?)
        })
        .await?;
    state.kept.policies.clear();
    Ok(describe(&domain, link.as_ref(), reachable))
}

/// Ends the partnership with `domain`: `Undo{Follow}` of our follow,
/// `Reject` of theirs (deliveries to them stop), their communities leave
/// our directory.
pub async fn unlink(state: &AppState, domain: &str) -> AppResult<LinkState> {
    let domain = parse_domain(domain)?;
    let mut conn = state.pool.get().await?;
    let link = conn
        .transaction(async |conn| {
            let current = db::peer::policy(conn, &domain).await?;
            if current == PeerPolicy::Partner {
                db::peer::set_policy(conn, &domain, PeerPolicy::None).await?;
            }
            let Some(link) = db::peer::link(conn, &domain).await? else {
                return Ok::<_, AppError>(None);
            };
            if let (Some(follow_id), Some(actor), Some(inbox)) = (
                &link.follow_ap_id,
                &link.instance_actor,
                &link.instance_inbox,
            ) {
                state
                    .emit(
                        conn,
                        Outgoing::PartnerUnfollowed {
                            actor: actor.clone(),
                            inbox: inbox.clone(),
                            follow_id: follow_id.clone(),
                        },
                    )
                    .await?;
                db::peer::set_link_follow(conn, &domain, LinkSide::Ours, None).await?;
            }
            if link.follower_state.is_some() {
                answer(conn, state, &link, false).await?;
            }
            db::directory::remove_host(conn, &domain).await?;
            Ok(db::peer::link(conn, &domain).await?)
        })
        .await?;
    state.kept.policies.clear();
    Ok(describe(&domain, link.as_ref(), true))
}

/// Accepts (or rejects and forgets) `link`'s follow of our instance actor.
async fn answer(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    link: &LinkRow,
    accepted: bool,
) -> AppResult<()> {
    let (Some(follow_id), Some(actor), Some(inbox)) = (
        &link.follower_ap_id,
        &link.instance_actor,
        &link.instance_inbox,
    ) else {
        return Ok(());
    };
    let follow = accepted.then_some((follow_id.as_str(), LINK_ACCEPTED));
    db::peer::set_link_follow(conn, &link.domain, LinkSide::Theirs, follow).await?;
    state
        .emit(
            conn,
            Outgoing::PartnerFollowAnswered {
                actor: actor.clone(),
                inbox: inbox.clone(),
                follow_id: follow_id.clone(),
                accepted,
            },
        )
        .await?;
    Ok(())
}

/// `domain`'s instance actor `actor` asks to follow ours with `follow_id`:
/// accepted at once unless `partner_requests_need_approval` is set and
/// `domain` is not a partner (then it waits for an admin to link it).
pub async fn receive_follow(
    state: &AppState,
    domain: &str,
    actor: &InstanceActor,
    follow_id: &str,
) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    conn.transaction(async |conn| {
        db::peer::set_instance_actor(conn, domain, &actor.id, &actor.inbox).await?;
        db::peer::set_link_follow(
            conn,
            domain,
            LinkSide::Theirs,
            Some((follow_id, LINK_PENDING)),
        )
        .await?;
        let link = db::peer::link(conn, domain)
            .await?
            .ok_or(diesel::result::Error::NotFound)?;
        let approved =
            link.policy() == PeerPolicy::Partner || !state.settings.partner_requests_need_approval;
        if approved {
            answer(conn, state, &link, true).await?;
        }
        Ok::<_, AppError>(())
    })
    .await
}

/// `domain`'s instance actor takes back its follow `follow_id` of ours.
pub async fn receive_unfollow(state: &AppState, domain: &str, follow_id: &str) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    let link = db::peer::link(&mut conn, domain).await?;
    if link.and_then(|l| l.follower_ap_id).as_deref() != Some(follow_id) {
        return Err(AppError::forbidden("an undo of a follow we do not have"));
    }
    db::peer::set_link_follow(&mut conn, domain, LinkSide::Theirs, None).await?;
    Ok(())
}

/// `domain`'s instance actor answered our follow `follow_id`: accepted, or
/// rejected (the link is over: their entries leave our directory).
pub async fn receive_answer(
    state: &AppState,
    domain: &str,
    follow_id: &str,
    accepted: bool,
) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    let link = db::peer::link(&mut conn, domain).await?;
    if link.and_then(|l| l.follow_ap_id).as_deref() != Some(follow_id) {
        return Err(AppError::forbidden("an answer to a follow we did not send"));
    }
    conn.transaction(async |conn| {
        if accepted {
            db::peer::set_link_follow(
                conn,
                domain,
                LinkSide::Ours,
                Some((follow_id, LINK_ACCEPTED)),
            )
            .await?;
        } else {
            db::peer::set_link_follow(conn, domain, LinkSide::Ours, None).await?;
            db::directory::remove_host(conn, domain).await?;
        }
        Ok::<_, AppError>(())
    })
    .await
}

/// True when `domain` is a partner whose instance actor is `actor` and
/// accepted our follow: the only sender whose directory news we take.
pub async fn is_linked_partner(state: &AppState, domain: &str, actor: &str) -> AppResult<bool> {
    let mut conn = state.pool.get().await?;
    Ok(db::peer::link(&mut conn, domain).await?.is_some_and(|l| {
        l.policy() == PeerPolicy::Partner
            && l.followed_by_us()
            && l.instance_actor.as_deref() == Some(actor)
    }))
}
