//! Lenient parsing: serde building blocks for the shapes peers send —
//! one-or-many values, objects given by id or embedded, language maps, and
//! lists or values that keep what parses and drop what does not.

use serde::{
    Deserialize, Deserializer, Serialize,
    de::{self, Visitor},
};
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
///
/// A string that is a URL (or `Public` / `as:Public`) is the id; anything
/// else is handed to `T` once, so an embedded object is parsed a single
/// time and its own error (not "no variant matched") is what the caller
/// sees. (An untagged enum would buffer and parse nested activities again
/// at every level on failure.)
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum IdOrObject<T> {
    /// Only the id.
    Id(Url),
    /// The embedded object.
    Object(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for IdOrObject<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdOrObjectVisitor(std::marker::PhantomData))
    }
}

struct IdOrObjectVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for IdOrObjectVisitor<T> {
    type Value = IdOrObject<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a URL or an embedded object")
    }

    fn visit_str<E: de::Error>(self, raw: &str) -> Result<Self::Value, E> {
        let full = match raw {
            "Public" | "as:Public" => PUBLIC,
            other => other,
        };
        match Url::parse(full) {
            Ok(url) => Ok(IdOrObject::Id(url)),
            Err(err) => T::deserialize(de::value::StrDeserializer::<E>::new(raw))
                .map(IdOrObject::Object)
                .map_err(|_: E| E::custom(format!("`{raw}` is not a URL: {err}"))),
        }
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(IdOrObject::Object)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(IdOrObject::Object)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::deserialize(de::value::BoolDeserializer::<E>::new(v)).map(IdOrObject::Object)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(de::value::I64Deserializer::<E>::new(v)).map(IdOrObject::Object)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(de::value::U64Deserializer::<E>::new(v)).map(IdOrObject::Object)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(de::value::F64Deserializer::<E>::new(v)).map(IdOrObject::Object)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        T::deserialize(de::value::UnitDeserializer::<E>::new()).map(IdOrObject::Object)
    }
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

/// Deserialises a list (or single value) and drops the entries that do not
/// parse as `T`, so one odd tag or attachment does not reject an object.
pub fn drop_invalid<'de, T, D>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Entry<T> {
        Valid(T),
        Invalid(serde::de::IgnoredAny),
    }
    let entries: Vec<Entry<T>> = one_or_many(deserializer)?;
    Ok(entries
        .into_iter()
        .filter_map(|entry| match entry {
            Entry::Valid(item) => Some(item),
            Entry::Invalid(_) => None,
        })
        .collect())
}

/// Deserialises a value, falling back to `T::default()` (`None` for an
/// `Option`) when it does not parse as `T`.
pub fn default_if_invalid<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Deserialize<'de> + Default,
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value<T> {
        Valid(T),
        Invalid(serde::de::IgnoredAny),
    }
    Ok(match Value::<T>::deserialize(deserializer)? {
        Value::Valid(value) => value,
        Value::Invalid(_) => T::default(),
    })
}
