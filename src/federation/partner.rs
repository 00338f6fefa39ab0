//! Linking a partner instance, for the admin API and CLI: the `partner`
//! policy first (so that allowlist mode lets us fetch from it), then the
//! partner's instance actor, found as FEP-2677 says (the `Application` link
//! in its NodeInfo links, else `/actor`) and checked to be an
//! `Application` or `Service` on that host, which our instance actor then
//! follows.

use super::{
    context::{Federation, url_authority},
    fetch::{FetchBudget, FetchError, fetch_json},
    resolve::{fetch_actor, inbox_and_key, remember, same_origin},
};
use crate::{
    error::AppResult,
    protocol::{
        actor::{Actor, ActorKind},
        nodeinfo::{APPLICATION_ACTOR_REL, NodeInfoLinks},
    },
    services::partner::{self, InstanceActor, LinkState},
};
use url::Url;

/// Fetches allowed while finding an instance actor.
const FIND_BUDGET: u32 = 4;

/// `host[:port]` as an admin typed it (the port matters in dev mode).
fn authority(input: &str) -> String {
    input.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Links `input` (`host` or `host:port`) as a partner and follows its
/// instance actor. An instance actor that cannot be found leaves the
/// policy set and the link `unreachable` (linking again tries again).
pub async fn link(fed: &Federation, input: &str) -> AppResult<LinkState> {
    partner::link(&fed.state, input, None).await?;
    let actor = match find_instance_actor(fed, &authority(input)).await {
        Ok(actor) => Some(actor),
        Err(err) => {
            tracing::warn!(partner = %input, error = %err, "cannot find the partner's instance actor");
            None
        }
    };
    partner::link(&fed.state, input, actor).await
}

/// Ends the partnership with `input`.
pub async fn unlink(fed: &Federation, input: &str) -> AppResult<LinkState> {
    partner::unlink(&fed.state, input).await
}

/// The instance actor of the server at `authority`.
async fn find_instance_actor(
    fed: &Federation,
    authority: &str,
) -> Result<InstanceActor, FetchError> {
    let budget = FetchBudget::new(FIND_BUDGET);
    let scheme = fed.state.settings.scheme();
    let base = Url::parse(&format!("{scheme}://{authority}/"))
        .map_err(|e| FetchError::NotAllowed(e.to_string()))?;
    let well_known = base
        .join(".well-known/nodeinfo")
        .map_err(|e| FetchError::NotAllowed(e.to_string()))?;
    let linked = match fetch_json::<NodeInfoLinks>(fed, &well_known, &budget).await {
        Ok(links) => links.href(APPLICATION_ACTOR_REL).cloned(),
        Err(_) => None,
    };
    let url = match linked {
        Some(url) if url.host_str() == base.host_str() => url,
        _ => base
            .join("actor")
            .map_err(|e| FetchError::NotAllowed(e.to_string()))?,
    };
    let actor = fetch_actor(fed, &url, &budget).await?;
    instance_actor(fed, actor, &base, &budget).await
}

/// Checks that `actor` is an instance actor of `base`'s host and caches it.
pub(super) async fn instance_actor(
    fed: &Federation,
    actor: Actor,
    base: &Url,
    budget: &FetchBudget,
) -> Result<InstanceActor, FetchError> {
    if !matches!(actor.kind, ActorKind::Application | ActorKind::Service) {
        return Err(FetchError::NotAllowed(format!(
            "{} is not an instance actor (Application or Service)",
            actor.id
        )));
    }
    if actor.id.host_str() != base.host_str() {
        return Err(FetchError::NotAllowed(format!(
            "{} is not on {}",
            actor.id,
            url_authority(base)
        )));
    }
    let (inbox, _) = inbox_and_key(&actor)?;
    let inbox = actor
        .endpoints
        .as_ref()
        .and_then(|e| e.shared_inbox.as_ref())
        .filter(|shared| same_origin(shared, &actor.id))
        .unwrap_or(inbox)
        .to_string();
    let id = actor.id.to_string();
    remember(fed, actor, budget).await?;
    Ok(InstanceActor { id, inbox })
}
