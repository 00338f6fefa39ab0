//! WebFinger (RFC 7033) documents: the JSON Resource Descriptor that maps
//! `acct:name@domain` to an actor.

use super::{
    actor::ActorKind,
    lenient::{default_if_invalid, drop_invalid},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use url::Url;

/// The `rel` of the link to the actor document.
pub const SELF_REL: &str = "self";
/// The `rel` of the link to the human-readable profile page.
pub const PROFILE_PAGE_REL: &str = "http://webfinger.net/rel/profile-page";
/// The media type of ActivityPub documents.
pub const ACTIVITY_JSON: &str = "application/activity+json";
/// The link property that names the actor's type (`Group`, `Person`).
pub const ACTOR_TYPE_PROPERTY: &str = "https://www.w3.org/ns/activitystreams#type";

/// A JSON Resource Descriptor.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WebFinger {
    /// `acct:name@domain`, or a URL for a server actor (FEP-d556).
    pub subject: String,
    #[serde(
        default,
        deserialize_with = "drop_invalid",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<String>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub properties: BTreeMap<String, Option<String>>,
    /// Links that do not parse are dropped.
    #[serde(default, deserialize_with = "drop_invalid")]
    pub links: Vec<WebFingerLink>,
}

/// One link of a [`WebFinger`] document.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WebFingerLink {
    pub rel: String,
    /// The media type of the linked document.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub href: Option<Url>,
    /// A URL template such as Mastodon's `authorize_interaction?uri={uri}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub properties: BTreeMap<String, Option<String>>,
}

impl WebFinger {
    /// Our answer for an actor: the `self` link (whose href Mastodon requires
    /// to equal the actor id) typed with the actor's type, and the profile
    /// page; both URLs are also aliases.
    pub fn for_actor(
        subject: String,
        actor_id: Url,
        kind: ActorKind,
        profile_page: Option<Url>,
    ) -> Self {
        // `ActorKind`'s Debug form is its variant name, which is also its
        // ActivityStreams type.
        let properties =
            BTreeMap::from([(ACTOR_TYPE_PROPERTY.to_string(), Some(format!("{kind:?}")))]);
        let mut links = vec![WebFingerLink {
            rel: SELF_REL.to_string(),
            kind: Some(ACTIVITY_JSON.to_string()),
            href: Some(actor_id.clone()),
            template: None,
            properties,
        }];
        let mut aliases = vec![actor_id.to_string()];
        if let Some(page) = profile_page {
            if page != actor_id {
                aliases.push(page.to_string());
            }
            links.push(WebFingerLink {
                rel: PROFILE_PAGE_REL.to_string(),
                kind: Some("text/html".to_string()),
                href: Some(page),
                template: None,
                properties: BTreeMap::new(),
            });
        }
        WebFinger {
            subject,
            aliases,
            properties: BTreeMap::new(),
            links,
        }
    }

    /// The actor the document points to: the `self` link whose type is an
    /// ActivityPub media type (or absent).
    pub fn actor_id(&self) -> Option<&Url> {
        self.links
            .iter()
            .filter(|link| link.rel == SELF_REL)
            .filter(|link| link.kind.as_deref().is_none_or(is_activitypub_media_type))
            .find_map(|link| link.href.as_ref())
    }
}

/// `application/activity+json`, or `application/ld+json` with the
/// ActivityStreams profile.
fn is_activitypub_media_type(media_type: &str) -> bool {
    media_type == ACTIVITY_JSON
        || (media_type.starts_with("application/ld+json")
            && media_type.contains("https://www.w3.org/ns/activitystreams"))
}
