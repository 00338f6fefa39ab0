//! The `kudos` extension of a `Note` (our JSON-LD namespace): who is
//! thanked, in which category, for which post or event. The note itself
//! stays an ordinary public `Note` that Mastodon shows and notifies on.

use super::lenient::first_id;
use serde::{Deserialize, Serialize};
use url::Url;

/// `"kudos": {"recipient": …, "category": …, "for": …, "message": …}` on a `Note`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct KudosExtension {
    /// The person thanked (their actor id).
    #[serde(deserialize_with = "first_id_required")]
    pub recipient: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The post or event it thanks for.
    #[serde(
        rename = "for",
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub thanks_for: Option<Url>,
    /// What the giver said, as plain text (the `content` is the whole
    /// sentence around it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A required id, as a string or an object with an `id`.
fn first_id_required<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Url, D::Error> {
    first_id(deserializer)?.ok_or_else(|| serde::de::Error::custom("`recipient` has no id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_as_strings_or_objects() {
        let plain: KudosExtension = serde_json::from_value(serde_json::json!({
            "recipient": "https://beta.test/u/bob", "category": "mentored"
        }))
        .unwrap();
        assert_eq!(plain.recipient.as_str(), "https://beta.test/u/bob");
        let nested: KudosExtension = serde_json::from_value(serde_json::json!({
            "recipient": {"id": "https://beta.test/u/bob"}, "for": "https://alpha.test/p/1"
        }))
        .unwrap();
        assert_eq!(
            nested.thanks_for.unwrap().as_str(),
            "https://alpha.test/p/1"
        );
        assert!(serde_json::from_value::<KudosExtension>(serde_json::json!({})).is_err());
    }
}
