//! NodeInfo (FEP-f1d5/0151): the `/.well-known/nodeinfo` links document and
//! the NodeInfo 2.1 document, with our `metadata` (community count and
//! directory link).

use super::lenient::{default_if_invalid, drop_invalid};
use serde::{Deserialize, Serialize};
use url::Url;

/// The `rel` of a link to a NodeInfo 2.1 document.
pub const NODEINFO_2_1_REL: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";
/// The `rel` of a link to a NodeInfo 2.0 document.
pub const NODEINFO_2_0_REL: &str = "http://nodeinfo.diaspora.software/ns/schema/2.0";
/// FEP-2677: the `rel` of a link to the server's application actor.
pub const APPLICATION_ACTOR_REL: &str = "https://www.w3.org/ns/activitystreams#Application";

/// The `/.well-known/nodeinfo` document.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NodeInfoLinks {
    /// Links that do not parse are dropped.
    #[serde(default, deserialize_with = "drop_invalid")]
    pub links: Vec<NodeInfoLink>,
}

/// One link of [`NodeInfoLinks`].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NodeInfoLink {
    pub rel: String,
    pub href: Url,
}

impl NodeInfoLinks {
    /// The first link with this `rel`.
    pub fn href(&self, rel: &str) -> Option<&Url> {
        self.links
            .iter()
            .find(|link| link.rel == rel)
            .map(|link| &link.href)
    }

    /// The NodeInfo document to fetch: 2.1 if offered, else 2.0.
    pub fn nodeinfo(&self) -> Option<&Url> {
        self.href(NODEINFO_2_1_REL)
            .or_else(|| self.href(NODEINFO_2_0_REL))
    }
}

/// A NodeInfo 2.x document. Parsing is lenient: what is missing or
/// malformed takes its default.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NodeInfo {
    /// `2.1` for ours.
    pub version: String,
    pub software: Software,
    /// `activitypub` for ours; entries that are not strings are dropped.
    #[serde(default, deserialize_with = "drop_invalid")]
    pub protocols: Vec<String>,
    #[serde(default, deserialize_with = "default_if_invalid")]
    pub services: Services,
    #[serde(default, deserialize_with = "default_if_invalid")]
    pub open_registrations: bool,
    #[serde(default, deserialize_with = "default_if_invalid")]
    pub usage: Usage,
    /// Free-form; we read and write the keys of [`NodeInfoMetadata`].
    #[serde(default, deserialize_with = "default_if_invalid")]
    pub metadata: NodeInfoMetadata,
}

/// The software a server runs.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Software {
    /// Lower case, e.g. `guildhall`, `lemmy`, `mastodon`.
    pub name: String,
    #[serde(default, deserialize_with = "default_if_invalid")]
    pub version: String,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub repository: Option<Url>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub homepage: Option<Url>,
}

/// Third-party services a server talks to.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Services {
    #[serde(default, deserialize_with = "drop_invalid")]
    pub inbound: Vec<String>,
    #[serde(default, deserialize_with = "drop_invalid")]
    pub outbound: Vec<String>,
}

/// Usage statistics; servers may hide any of them (FEP-0151).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    #[serde(default, deserialize_with = "default_if_invalid")]
    pub users: Users,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub local_posts: Option<u64>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub local_comments: Option<u64>,
}

/// User counts.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Users {
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub total: Option<u64>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub active_month: Option<u64>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub active_halfyear: Option<u64>,
}

/// The `metadata` keys we publish; others' unknown keys are ignored.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NodeInfoMetadata {
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub node_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub node_description: Option<String>,
    /// Guildhall: the number of public communities.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub communities: Option<u64>,
    /// Guildhall: the page (or collection) listing the public communities.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub directory: Option<Url>,
    /// Guildhall: the number of events of our communities.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub events: Option<u64>,
}
