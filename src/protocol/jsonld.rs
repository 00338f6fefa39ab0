//! The JSON-LD `@context` we attach to every document we serve, including
//! the terms of our own namespace (`guildhall:`) and the Mastodon and Lemmy
//! extension terms we use.

use serde::{Deserialize, Serialize, Serializer};
use std::sync::LazyLock;

/// Our JSON-LD namespace; documented in `docs/FEDERATION.md`.
pub const GUILDHALL_NS: &str = "https://w3id.org/guildhall#";

static CONTEXT: LazyLock<serde_json::Value> = LazyLock::new(|| {
    serde_json::json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "guildhall": GUILDHALL_NS,
            "charter": {"@id": "guildhall:charter", "@context": {"@vocab": GUILDHALL_NS}},
            "listing": {"@id": "guildhall:listing", "@context": {"@vocab": GUILDHALL_NS}},
            "directory": {"@id": "guildhall:directory", "@type": "@id"},
            "milestone": "guildhall:milestone",
            "proposal": {"@id": "guildhall:proposal", "@context": {
                "@vocab": GUILDHALL_NS,
                "charter": {"@id": "guildhall:charter", "@context": {"@vocab": GUILDHALL_NS}},
                "proposer": {"@id": "guildhall:proposer", "@type": "@id"},
            }},
            "votersCount": "toot:votersCount",
            "kudos": {"@id": "guildhall:kudos", "@context": {
                "@vocab": GUILDHALL_NS,
                "recipient": {"@id": "guildhall:recipient", "@type": "@id"},
                "for": {"@id": "guildhall:for", "@type": "@id"},
            }},
            "toot": "http://joinmastodon.org/ns#",
            "lemmy": "https://join-lemmy.org/ns#",
            "schema": "http://schema.org/",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "sensitive": "as:sensitive",
            "postingRestrictedToMods": "lemmy:postingRestrictedToMods",
            "moderators": {"@id": "lemmy:moderators", "@type": "@id"},
            "webfinger": "https://purl.archive.org/socialweb/webfinger#webfinger",
        }
    ])
});

/// The `@context` value: serialises to our fixed context and accepts any
/// context on input (peers send all kinds, and we do not expand JSON-LD).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context;

impl Serialize for Context {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CONTEXT.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Context {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(Context)
    }
}
