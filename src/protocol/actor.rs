//! Actors on the wire: `Person`, `Group`, `Application` (and the `Service`
//! and `Organization` types other servers use), with the Mastodon, Lemmy and
//! Guildhall extensions.

use super::{
    charter::CharterJson,
    jsonld::Context,
    lenient::{first_id, one_or_many, text_or_map},
    property_value::PropertyValue,
};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use url::Url;

/// The ActivityStreams actor types we understand.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum ActorKind {
    Person,
    Group,
    Application,
    Service,
    Organization,
}

/// An actor document.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    #[serde(rename = "type")]
    pub kind: ActorKind,
    pub id: Url,
    /// The user name (Mastodon requires it, ActivityPub does not: bovine,
    /// Fedify and specification examples leave it out).
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub preferred_username: Option<String>,
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Specification examples leave it out; we store only actors that have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub featured: Option<Url>,
    /// For groups: the moderators collection (as Lemmy publishes it).
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub attributed_to: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    /// The RSA key it signs with; FEP-521a actors publish only
    /// `assertionMethod` keys, which we do not verify yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PublicKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manually_approves_followers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discoverable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posting_restricted_to_mods: Option<bool>,
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<Url>,
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub icon: Vec<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<FixedOffset>>,
    /// Profile fields; entries that are not `PropertyValue`s are dropped.
    #[serde(
        default,
        deserialize_with = "property_values",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attachment: Vec<PropertyValue>,
    /// FEP-2c59: the actor's WebFinger address (`name@host`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webfinger: Option<String>,
    /// Guildhall extension: the community's charter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charter: Option<CharterJson>,
    /// Guildhall extension on a community in a directory: its members,
    /// next event, last activity and charter version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<ListingJson>,
    /// Guildhall extension on the instance actor: its directory collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<Url>,
}

/// A community's directory figures on the wire (`guildhall:listing`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ListingJson {
    #[serde(default)]
    pub member_count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_event: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub charter_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charter_updated: Option<DateTime<FixedOffset>>,
}

/// `endpoints` of an actor.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
}

/// The RSA key an actor signs with.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: String,
    pub owner: Url,
    pub public_key_pem: String,
}

/// The Markdown (or other) source of a rendered text.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub content: String,
    pub media_type: String,
}

/// An image (icon, banner).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(deserialize_with = "first_id_required")]
    pub url: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

fn property_values<'de, D>(deserializer: D) -> Result<Vec<PropertyValue>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Entry {
        Field(PropertyValue),
        Other(serde::de::IgnoredAny),
    }
    let entries: Vec<Entry> = one_or_many(deserializer)?;
    Ok(entries
        .into_iter()
        .filter_map(|entry| match entry {
            Entry::Field(field) => Some(field),
            Entry::Other(_) => None,
        })
        .collect())
}

fn first_id_required<'de, D>(deserializer: D) -> Result<Url, D::Error>
where
    D: serde::Deserializer<'de>,
{
    first_id(deserializer)?.ok_or_else(|| serde::de::Error::custom("missing url"))
}
