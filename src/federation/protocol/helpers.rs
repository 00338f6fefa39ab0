//! Serde building blocks for the shapes peers send: one-or-many values,
//! objects given by id or embedded, and language maps.

use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

/// The ActivityStreams public collection, as we always write it.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Deserialises a value that may be a single item, an array, or absent.
pub fn one_or_many<'de, T, D>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
        Null(()),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::Many(items) => items,
        OneOrMany::One(item) => vec![item],
        OneOrMany::Null(()) => Vec::new(),
    })
}

/// Deserialises a list of addressees (`to`, `cc`), mapping the short forms
/// `Public` and `as:Public` to the full public collection URL and skipping
/// anything that is not a URL.
pub fn addressees<'de, D>(deserializer: D) -> Result<Vec<Url>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw: Vec<IdOrObject<serde::de::IgnoredAny>> = one_or_many(deserializer)?;
    Ok(raw
        .into_iter()
        .filter_map(|item| match item {
            IdOrObject::Id(id) => Some(id),
            IdOrObject::Object(_) => None,
        })
        .collect())
}

/// A reference that peers send either as a bare URL or as an embedded object.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum IdOrObject<T> {
    /// Only the id.
    Id(#[serde(deserialize_with = "public_alias")] Url),
    /// The embedded object.
    Object(T),
}

fn public_alias<'de, D>(deserializer: D) -> Result<Url, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = String::deserialize(deserializer)?;
    let full = match raw.as_str() {
        "Public" | "as:Public" => PUBLIC,
        other => other,
    };
    Url::parse(full).map_err(serde::de::Error::custom)
}

/// Text that may come as a plain string or as a language map
/// (`nameMap`-style `{"en": "..."}`); we keep the first value.
pub fn text_or_map<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Plain(String),
        Map(std::collections::BTreeMap<String, String>),
        Null(()),
    }
    Ok(match Text::deserialize(deserializer)? {
        Text::Plain(text) => Some(text),
        Text::Map(map) => map.into_values().next(),
        Text::Null(()) => None,
    })
}

/// Deserialises the first URL of a value that peers send as a URL, an array
/// of URLs, a `Link` object with `href`, or an object with `id`/`url`.
pub fn first_id<'de, D>(deserializer: D) -> Result<Option<Url>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Reference {
        Url(Url),
        Link { href: Url },
        Object { id: Url },
        ObjectUrl { url: Url },
        Other(serde::de::IgnoredAny),
    }
    let references: Vec<Reference> = one_or_many(deserializer)?;
    Ok(references
        .into_iter()
        .find_map(|reference| match reference {
            Reference::Url(url)
            | Reference::Link { href: url }
            | Reference::Object { id: url }
            | Reference::ObjectUrl { url } => Some(url),
            Reference::Other(_) => None,
        }))
}
