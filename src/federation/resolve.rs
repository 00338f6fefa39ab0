//! Finding actors: from our database, or fetched (and cached) from their
//! server by URL or by `name@host` through WebFinger. New instances get
//! their NodeInfo read once, to know whether they understand groups.

use super::{
    context::{Federation, url_authority},
    fetch::{FetchBudget, FetchError, fetch},
    protocol::{
        actor::{Actor, ActorKind},
        charter::CharterJson,
        nodeinfo::{NodeInfo, NodeInfoLinks},
        webfinger::WebFinger,
    },
};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow},
    domain::markdown,
};
use chrono::{Duration, Utc};
use url::Url;

/// How long a cached remote actor is trusted before it is fetched again.
const REFRESH_AFTER: Duration = Duration::hours(24);

/// An actor we know: a person or a community.
#[derive(Clone, Debug)]
pub enum KnownActor {
    Person(PersonRow),
    Community(CommunityRow),
}

impl KnownActor {
    /// The actor's id.
    pub fn ap_id(&self) -> &str {
        match self {
            KnownActor::Person(p) => &p.ap_id,
            KnownActor::Community(c) => &c.ap_id,
        }
    }

    /// The actor's public key (PEM).
    pub fn public_key(&self) -> &str {
        match self {
            KnownActor::Person(p) => &p.public_key,
            KnownActor::Community(c) => &c.public_key,
        }
    }
}

/// The actor with id `url`: from the database when fresh (or local), else fetched.
pub async fn actor(
    fed: &Federation,
    url: &Url,
    budget: &FetchBudget,
    refresh: bool,
) -> Result<KnownActor, FetchError> {
    let db_err = |e: diesel::result::Error| FetchError::Failed(e.to_string());
    let mut conn = fed
        .state
        .pool
        .get()
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?;
    let cached = match db::person::find_by_ap_id(&mut conn, url.as_str())
        .await
        .map_err(db_err)?
    {
        Some(person) => Some((KnownActor::Person(person.clone()), person.local)),
        None => db::community::find_by_ap_id(&mut conn, url.as_str())
            .await
            .map_err(db_err)?
            .map(|c| {
                let local = c.local;
                (KnownActor::Community(c), local)
            }),
    };
    drop(conn);
    if let Some((known, local)) = &cached {
        if *local || fed.is_local(url) {
            return Ok(known.clone());
        }
        if !refresh && !stale(known) {
            return Ok(known.clone());
        }
    } else if fed.is_local(url) {
        return Err(FetchError::Gone);
    }
    let document: Actor = fetch(fed, url, budget).await?;
    store(fed, url, document, budget).await
}

fn stale(known: &KnownActor) -> bool {
    let refreshed = match known {
        KnownActor::Person(p) => p.refreshed_at,
        KnownActor::Community(c) => c.refreshed_at,
    };
    Utc::now() - refreshed > REFRESH_AFTER
}

/// Checks and caches a fetched actor document.
async fn store(
    fed: &Federation,
    url: &Url,
    actor: Actor,
    budget: &FetchBudget,
) -> Result<KnownActor, FetchError> {
    if actor.id.host_str() != url.host_str()
        || actor.id.port_or_known_default() != url.port_or_known_default()
    {
        return Err(FetchError::Failed(format!(
            "{url} served an actor with id {}",
            actor.id
        )));
    }
    if actor.public_key.owner != actor.id {
        return Err(FetchError::Failed(format!(
            "the key of {} belongs to {}",
            actor.id, actor.public_key.owner
        )));
    }
    let domain = actor.id.host_str().unwrap_or_default().to_string();
    learn_software(fed, &actor.id, budget).await;
    let mut conn = fed
        .state
        .pool
        .get()
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?;
    let shared_inbox = actor.shared_inbox_or_inbox().to_string();
    let shared = (shared_inbox != actor.inbox.as_str()).then_some(shared_inbox.as_str());
    let now = Utc::now();
    let result = if actor.kind == ActorKind::Group {
        let charter = actor
            .charter
            .as_ref()
            .map(CharterJson::to_charter)
            .and_then(|c| serde_json::to_value(c).ok());
        let summary = markdown::sanitize_html(actor.summary.as_deref().unwrap_or_default());
        let visibility = if actor.manually_approves_followers == Some(true) {
            "approval_required"
        } else {
            "public"
        };
        let posting = if actor.posting_restricted_to_mods == Some(true) {
            "moderators"
        } else {
            "members"
        };
        let followers = actor.followers.as_ref().map(Url::as_str);
        db::community::upsert_remote(
            &mut conn,
            &db::community::RemoteCommunity {
                ap_id: actor.id.as_str(),
                name: &actor.preferred_username,
                domain: &domain,
                local: false,
                title: actor.name.as_deref().unwrap_or(&actor.preferred_username),
                summary: &summary,
                visibility,
                posting_policy: posting,
                inbox: actor.inbox.as_str(),
                shared_inbox: shared,
                followers_url: followers,
                public_key: &actor.public_key.public_key_pem,
                charter,
                refreshed_at: now,
            },
        )
        .await
        .map(KnownActor::Community)
    } else {
        db::person::upsert_remote(
            &mut conn,
            &db::person::RemotePerson {
                ap_id: actor.id.as_str(),
                username: &actor.preferred_username,
                domain: &domain,
                local: false,
                display_name: actor.name.as_deref(),
                inbox: actor.inbox.as_str(),
                shared_inbox: shared,
                public_key: &actor.public_key.public_key_pem,
                refreshed_at: now,
            },
        )
        .await
        .map(KnownActor::Person)
    };
    result.map_err(|e| FetchError::Failed(e.to_string()))
}

/// Reads the NodeInfo of an instance seen for the first time and records
/// its software name; failures leave it unknown (treated as Mastodon-like).
async fn learn_software(fed: &Federation, actor_id: &Url, budget: &FetchBudget) {
    let Some(host) = actor_id.host_str() else {
        return;
    };
    let Ok(mut conn) = fed.state.pool.get().await else {
        return;
    };
    if db::peer::software(&mut conn, host)
        .await
        .ok()
        .flatten()
        .is_some()
    {
        return;
    }
    drop(conn);
    if !fed.first_probe(host) {
        return;
    }
    let Ok(well_known) = actor_id.join("/.well-known/nodeinfo") else {
        return;
    };
    let software = async {
        let links: NodeInfoLinks = fetch(fed, &well_known, budget).await?;
        let href = links.nodeinfo().ok_or(FetchError::Gone)?.clone();
        let info: NodeInfo = fetch(fed, &href, budget).await?;
        Ok::<_, FetchError>(info.software.name.to_ascii_lowercase())
    };
    let name = software.await.unwrap_or_else(|_| "unknown".to_string());
    if let Ok(mut conn) = fed.state.pool.get().await {
        let _ = db::peer::set_software(&mut conn, host, &name).await;
    }
}

/// Resolves `name@host` through WebFinger, then the actor document.
pub async fn handle(
    fed: &Federation,
    name: &str,
    host: &str,
    budget: &FetchBudget,
) -> Result<KnownActor, FetchError> {
    let scheme = fed.state.settings.scheme();
    let url = Url::parse(&format!("{scheme}://{host}/.well-known/webfinger"))
        .map_err(|e| FetchError::NotAllowed(e.to_string()))?;
    let mut url = url;
    url.query_pairs_mut()
        .append_pair("resource", &format!("acct:{name}@{host}"));
    let document: WebFinger = fetch(fed, &url, budget).await?;
    let actor_id = document.actor_id().ok_or(FetchError::Gone)?.clone();
    if url_authority(&actor_id).split(':').next() != host.split(':').next() {
        return Err(FetchError::Failed(format!(
            "{host} points {name} at another host"
        )));
    }
    actor(fed, &actor_id, budget, false).await
}
