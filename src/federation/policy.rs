//! Federation policy: the instance blocklist and, in allowlist mode, the
//! partner list. Checked on receive, on fetch and on send.

use super::context::Federation;
use crate::{
    db::{self, peer::PeerPolicy},
    error::AppResult,
};

/// True when we federate with `host` (a host name, without port). The
/// policy is kept for a moment (`services::kept`): checked on every
/// request, it changes only when an admin acts.
pub async fn allows(fed: &Federation, host: &str) -> AppResult<bool> {
    let kept = &fed.state.kept.policies;
    let policy = match kept.get(host) {
        Some(policy) => policy,
        None => {
            let mut conn = fed.state.pool.get().await?;
            let policy = db::peer::policy(&mut conn, host).await?;
            kept.put(host, policy);
            policy
        }
    };
    Ok(match policy {
        PeerPolicy::Blocked => false,
        PeerPolicy::Partner => true,
        PeerPolicy::None => !fed.state.settings.allowlist_only,
    })
}
