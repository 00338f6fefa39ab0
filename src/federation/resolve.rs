//! Finding actors: from our database, or fetched (and cached) from their
//! server by URL or by `name@host` through WebFinger. New instances get
//! their NodeInfo read once, to know whether they understand groups.

use super::{
    context::{Federation, url_authority},
    fetch::{FetchBudget, FetchError, fetch, fetch_json},
};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow},
    domain::{
        community::{PostingPolicy, Visibility},
        markdown, name,
    },
    protocol::{
        actor::{Actor, ActorKind, PublicKey},
        charter::CharterJson,
        nodeinfo::{NodeInfo, NodeInfoLinks},
        webfinger::WebFinger,
    },
};
use chrono::{DateTime, Duration, Utc};
use url::Url;

/// How long a cached remote actor is trusted before it is fetched again.
const REFRESH_AFTER: Duration = Duration::hours(24);

/// An actor we know: a person or a community.
#[derive(Clone, Debug)]
pub enum KnownActor {
    Person(Box<PersonRow>),
    Community(Box<CommunityRow>),
}

impl KnownActor {
    /// The actor's id.
    pub fn ap_id(&self) -> &str {
        match self {
            KnownActor::Person(p) => &p.ap_id,
            KnownActor::Community(c) => &c.ap_id,
        }
    }

    /// True for our own people and communities.
    pub fn is_local(&self) -> bool {
        match self {
            KnownActor::Person(p) => p.local,
            KnownActor::Community(c) => c.local,
        }
    }

    /// The id of the actor's published key, when known.
    pub fn key_id(&self) -> Option<&str> {
        match self {
            KnownActor::Person(p) => p.key_id.as_deref(),
            KnownActor::Community(c) => c.key_id.as_deref(),
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

/// The actor with id `url`: from the database when fresh (or local), else
/// fetched and cached. Only for work after a request was authenticated:
/// it stores what it fetches.
pub async fn actor(
    fed: &Federation,
    url: &Url,
    budget: &FetchBudget,
    refresh: bool,
) -> Result<KnownActor, FetchError> {
    match cached(fed, url, refresh).await? {
        Cached::Fresh(known) => Ok(known),
        Cached::Missing => {
            let document = fetch_actor(fed, url, budget).await?;
            remember(fed, document, budget).await
        }
    }
}

/// What the cache holds for an actor id.
pub(super) enum Cached {
    /// Ours, or a remote actor fetched recently enough.
    Fresh(KnownActor),
    /// Unknown, stale, or a refresh was asked for.
    Missing,
}

/// The actor with id `url` as we stored it, however old.
pub(super) async fn stored(fed: &Federation, url: &Url) -> Result<Option<KnownActor>, FetchError> {
    let db_err = |e: diesel::result::Error| FetchError::Failed(e.to_string());
    let mut conn = fed
        .state
        .pool
        .get()
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?;
    Ok(
        match db::person::find_by_ap_id(&mut conn, url.as_str())
            .await
            .map_err(db_err)?
        {
            Some(person) => Some(KnownActor::Person(Box::new(person))),
            None => db::community::find_by_ap_id(&mut conn, url.as_str())
                .await
                .map_err(db_err)?
                .map(|c| KnownActor::Community(Box::new(c))),
        },
    )
}

pub(super) async fn cached(
    fed: &Federation,
    url: &Url,
    refresh: bool,
) -> Result<Cached, FetchError> {
    match stored(fed, url).await? {
        Some(known) if known.is_local() || fed.is_local(url) => Ok(Cached::Fresh(known)),
        Some(known) if !refresh && !stale(&known) => Ok(Cached::Fresh(known)),
        None if fed.is_local(url) => Err(FetchError::Gone),
        _ => Ok(Cached::Missing),
    }
}

/// Fetches the actor document at `url` and checks it: its `id` must be the
/// URL we fetched (else it is fetched once more from its `id`, on the same
/// host, as Mastodon does), and its key must belong to it.
pub(super) async fn fetch_actor(
    fed: &Federation,
    url: &Url,
    budget: &FetchBudget,
) -> Result<Actor, FetchError> {
    let mut document: Actor = fetch(fed, url, budget).await?;
    if document.id != *url {
        if !same_origin(&document.id, url) {
            return Err(FetchError::NotAllowed(format!(
                "{url} served an actor with id {}",
                document.id
            )));
        }
        let id = document.id.clone();
        document = fetch(fed, &id, budget).await?;
        if document.id != id {
            return Err(FetchError::NotAllowed(format!(
                "{id} served an actor with id {}",
                document.id
            )));
        }
    }
    let (inbox, key) = inbox_and_key(&document)?;
    if key.owner != document.id {
        return Err(FetchError::NotAllowed(format!(
            "the key of {} belongs to {}",
            document.id, key.owner
        )));
    }
    // Deliveries go where the document says: only to its own server.
    if !same_origin(inbox, &document.id) {
        return Err(FetchError::NotAllowed(format!(
            "the inbox of {} is on another server",
            document.id
        )));
    }
    Ok(document)
}

/// The inbox and RSA key of an actor: ActivityPub requires neither, but we
/// cannot deliver to an actor without an inbox nor verify one without a key,
/// so we keep only actors that have both.
pub(super) fn inbox_and_key(actor: &Actor) -> Result<(&Url, &PublicKey), FetchError> {
    match (&actor.inbox, &actor.public_key) {
        (Some(inbox), Some(key)) => Ok((inbox, key)),
        (None, _) => Err(FetchError::NotAllowed(format!("{} has no inbox", actor.id))),
        (_, None) => Err(FetchError::NotAllowed(format!(
            "{} publishes no RSA key (`publicKey`)",
            actor.id
        ))),
    }
}

/// True when both URLs have the same scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

fn stale(known: &KnownActor) -> bool {
    let refreshed = match known {
        KnownActor::Person(p) => p.refreshed_at,
        KnownActor::Community(c) => c.refreshed_at,
    };
    refreshed_long_ago(refreshed)
}

/// Whether an actor document fetched at `refreshed` is due to be fetched
/// again before it is used.
pub(super) fn refreshed_long_ago(refreshed: DateTime<Utc>) -> bool {
    Utc::now() - refreshed > REFRESH_AFTER
}

/// Caches an actor document [`fetch_actor`] checked (after the request it
/// came with was authenticated), and learns its server's software.
pub async fn remember(
    fed: &Federation,
    actor: Actor,
    budget: &FetchBudget,
) -> Result<KnownActor, FetchError> {
    let domain = actor.id.host_str().unwrap_or_default().to_string();
    learn_software(fed, &actor.id, budget).await;
    let mut conn = fed
        .state
        .pool
        .get()
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?;
    let (inbox, key) = inbox_and_key(&actor)?;
    let shared = actor
        .endpoints
        .as_ref()
        .and_then(|e| e.shared_inbox.as_ref())
        .filter(|shared| *shared != inbox && same_origin(shared, &actor.id))
        .map(Url::as_str);
    let now = Utc::now();
    let result = if actor.kind == ActorKind::Group {
        // A community needs a name: without `preferredUsername`, the last
        // segment of its id.
        let name = actor
            .preferred_username
            .clone()
            .unwrap_or_else(|| name::last_segment(actor.id.as_str()));
        let charter = actor.charter.as_ref().map(CharterJson::to_charter);
        let summary = markdown::sanitize_html(actor.summary.as_deref().unwrap_or_default());
        let visibility = if actor.manually_approves_followers == Some(true) {
            Visibility::ApprovalRequired
        } else {
            Visibility::Public
        };
        let posting = if actor.posting_restricted_to_mods == Some(true) {
            PostingPolicy::Moderators
        } else {
            PostingPolicy::Members
        };
        let followers = actor.followers.as_ref().map(Url::as_str);
        db::community::upsert_remote(
            &mut conn,
            &db::community::RemoteCommunity {
                ap_id: actor.id.as_str(),
                name: &name,
                domain: &domain,
                local: false,
                title: actor.name.as_deref().unwrap_or(&name),
                summary: &summary,
                visibility: visibility.as_str(),
                posting_policy: posting.as_str(),
                inbox: inbox.as_str(),
                shared_inbox: shared,
                followers_url: followers,
                public_key: &key.public_key_pem,
                key_id: Some(&key.id),
                refreshed_at: now,
            },
            charter.as_ref(),
        )
        .await
        .map(|c| KnownActor::Community(Box::new(c)))
    } else {
        db::person::upsert_remote(
            &mut conn,
            &db::person::RemotePerson {
                ap_id: actor.id.as_str(),
                username: actor.preferred_username.as_deref(),
                domain: &domain,
                local: false,
                display_name: actor.name.as_deref(),
                inbox: inbox.as_str(),
                shared_inbox: shared,
                public_key: &key.public_key_pem,
                key_id: Some(&key.id),
                refreshed_at: now,
            },
        )
        .await
        .map(|p| KnownActor::Person(Box::new(p)))
    };
    result.map_err(|e| FetchError::Failed(e.to_string()))
}

/// How long after a failed NodeInfo probe a host is probed again.
const PROBE_RETRY: Duration = Duration::hours(1);

/// Reads the NodeInfo of an instance seen for the first time, or whose last
/// probe failed and is due again, and records its software name. Until a
/// probe succeeds the host counts as `unknown` (treated as Mastodon-like).
async fn learn_software(fed: &Federation, actor_id: &Url, budget: &FetchBudget) {
    let Some(host) = actor_id.host_str() else {
        return;
    };
    let Ok(mut conn) = fed.state.pool.get().await else {
        return;
    };
    if !db::peer::software_due(&mut conn, host)
        .await
        .unwrap_or(false)
    {
        return;
    }
    drop(conn);
    let Some(_probing) = fed.begin_probe(host) else {
        return;
    };
    let Ok(well_known) = actor_id.join("/.well-known/nodeinfo") else {
        return;
    };
    let software = async {
        let links: NodeInfoLinks = fetch_json(fed, &well_known, budget).await?;
        let href = links.nodeinfo().ok_or(FetchError::Gone)?.clone();
        let info: NodeInfo = fetch_json(fed, &href, budget).await?;
        Ok::<_, FetchError>(info.software.name.to_ascii_lowercase())
    };
    let probed = software.await;
    let Ok(mut conn) = fed.state.pool.get().await else {
        return;
    };
    let recorded = match probed {
        Ok(name) => db::peer::set_software(&mut conn, host, &name, None).await,
        Err(err) => {
            tracing::info!(%host, error = %err, "NodeInfo probe failed; will try again");
            let retry = Utc::now() + PROBE_RETRY;
            db::peer::set_software(&mut conn, host, "unknown", Some(retry)).await
        }
    };
    if let Err(err) = recorded {
        tracing::warn!(%host, error = %err, "cannot record an instance's software");
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
    let document: WebFinger = fetch_json(fed, &url, budget).await?;
    let actor_id = document.actor_id().ok_or(FetchError::Gone)?.clone();
    if url_authority(&actor_id).split(':').next() != host.split(':').next() {
        return Err(FetchError::Failed(format!(
            "{host} points {name} at another host"
        )));
    }
    actor(fed, &actor_id, budget, false).await
}
