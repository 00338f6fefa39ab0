//! Federation policy and health for admins: the blocklist, the partner
//! allowlist, and per-instance delivery state.

use super::AppState;
use crate::{
    db::{self, peer::PeerPolicy},
    domain::FieldError,
    error::AppResult,
};
use chrono::{DateTime, Utc};

/// One instance as an admin sees it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct InstanceState {
    pub domain: String,
    pub policy: String,
    pub software: Option<String>,
    pub pending_deliveries: i64,
    pub oldest_pending: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
    pub delivered: i64,
    pub failed: i64,
}

/// The whole federation picture.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct FederationState {
    /// `open` (everyone not blocked) or `allowlist` (partners only).
    pub mode: String,
    pub deliveries_pending: i64,
    pub incoming_pending: i64,
    /// Received activities given up after retrying for days.
    pub incoming_dead: i64,
    pub instances: Vec<InstanceState>,
}

/// Normalises a domain given by an admin (`Beta.Example:443` → `beta.example`).
pub fn parse_domain(input: &str) -> Result<String, FieldError> {
    let host = input.trim().trim_end_matches('.').to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or_default().to_string();
    match url::Host::parse(&host) {
        Ok(url::Host::Domain(_)) if !host.is_empty() && !host.contains('/') => Ok(host),
        _ => Err(FieldError::new(
            "domain",
            "must be a host name such as `guild.example.org`",
        )),
    }
}

/// Blocks (or unblocks) an instance; blocking drops what is queued for it.
pub async fn set_blocked(state: &AppState, domain: &str, blocked: bool) -> AppResult<String> {
    let domain = parse_domain(domain)?;
    let mut conn = state.pool.get().await?;
    let current = db::peer::policy(&mut conn, &domain).await?;
    let policy = match (blocked, current) {
        (true, _) => PeerPolicy::Blocked,
        (false, PeerPolicy::Blocked) => PeerPolicy::None,
        (false, other) => other,
    };
    db::peer::set_policy(&mut conn, &domain, policy).await?;
    state.kept.policies.clear();
    if blocked {
        db::delivery::cancel_for_domain(&mut conn, &domain).await?;
    }
    Ok(domain)
}

/// Policy, queue sizes and delivery health per instance.
pub async fn federation_state(state: &AppState) -> AppResult<FederationState> {
    let mut conn = state.pool.get().await?;
    let peers = db::peer::list(&mut conn).await?;
    let pending = db::delivery::pending_by_domain(&mut conn).await?;
    let mut instances: Vec<InstanceState> = peers
        .into_iter()
        .map(|p| {
            let queued = pending.iter().find(|(d, ..)| *d == p.domain);
            InstanceState {
                policy: p.policy().as_str().to_string(),
                software: p.software.clone(),
                pending_deliveries: queued.map_or(0, |q| q.1),
                oldest_pending: queued.and_then(|q| q.2),
                last_error: p.last_error.clone(),
                last_success_at: p.last_success_at,
                last_failure_at: p.last_failure_at,
                delivered: p.delivered_count,
                failed: p.failed_count,
                domain: p.domain,
            }
        })
        .collect();
    for (domain, count, oldest, error) in pending {
        if !instances.iter().any(|i| i.domain == domain) {
            instances.push(InstanceState {
                domain,
                policy: "none".to_string(),
                software: None,
                pending_deliveries: count,
                oldest_pending: oldest,
                last_error: error,
                last_success_at: None,
                last_failure_at: None,
                delivered: 0,
                failed: 0,
            });
        }
    }
    Ok(FederationState {
        mode: if state.settings.allowlist_only {
            "allowlist"
        } else {
            "open"
        }
        .to_string(),
        deliveries_pending: db::delivery::pending_count(&mut conn).await?,
        incoming_pending: db::incoming::pending_count(&mut conn).await?,
        incoming_dead: db::incoming::dead_count(&mut conn).await?,
        instances,
    })
}
