//! Collections on the wire: followers, moderators, outboxes and featured
//! posts, as `Collection`/`OrderedCollection` and their pages.

use super::{
    jsonld::Context,
    lenient::{IdOrObject, first_id},
    lenient::{default_if_invalid, drop_invalid},
};
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

/// The collection types.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub enum CollectionKind {
    #[default]
    Collection,
    OrderedCollection,
}

/// The collection page types.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub enum CollectionPageKind {
    #[default]
    CollectionPage,
    OrderedCollectionPage,
}

/// A collection whose entries are `T` (a [`Reference`](super::activity::Reference)
/// for followers and moderators, an activity for an outbox, a post for
/// featured posts). Entries that do not parse as `T` are dropped.
///
/// Ordered collections carry `orderedItems`, others `items`; Lemmy requires
/// the one it expects even when empty, so the constructors always set it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct Collection<T> {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    #[serde(rename = "type")]
    pub kind: CollectionKind,
    pub id: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<u64>,
    /// The first page, by URL or embedded; a page that does not parse is dropped.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub first: Option<IdOrObject<CollectionPage<T>>>,
    /// The owner (Mobilizon, FEP-7888).
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub attributed_to: Option<Url>,
    #[serde(
        default,
        deserialize_with = "some_valid",
        skip_serializing_if = "Option::is_none"
    )]
    pub ordered_items: Option<Vec<T>>,
    #[serde(
        default,
        deserialize_with = "some_valid",
        skip_serializing_if = "Option::is_none"
    )]
    pub items: Option<Vec<T>>,
}

impl<T> Collection<T> {
    /// An `OrderedCollection` holding all of `items` (outbox, moderators,
    /// featured posts).
    pub fn ordered(id: Url, items: Vec<T>) -> Self {
        Collection {
            context: None,
            kind: CollectionKind::OrderedCollection,
            id,
            total_items: Some(items.len() as u64),
            first: None,
            attributed_to: None,
            ordered_items: Some(items),
            items: None,
        }
    }

    /// A `Collection` that shows only its size, as Lemmy publishes
    /// followers (with an empty `items`, which Lemmy requires).
    pub fn count_only(id: Url, total_items: u64) -> Self {
        Collection {
            context: None,
            kind: CollectionKind::Collection,
            id,
            total_items: Some(total_items),
            first: None,
            attributed_to: None,
            ordered_items: None,
            items: Some(Vec::new()),
        }
    }

    /// The entries given inline: `orderedItems`, else `items`, else those of
    /// an embedded first page.
    pub fn entries(&self) -> &[T] {
        match (&self.ordered_items, &self.items, &self.first) {
            (Some(items), _, _) | (None, Some(items), _) => items,
            (None, None, Some(IdOrObject::Object(page))) => page.entries(),
            _ => &[],
        }
    }
}

/// One page of a collection.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct CollectionPage<T> {
    #[serde(rename = "type")]
    pub kind: CollectionPageKind,
    /// Mastodon leaves it out of embedded first pages.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Url>,
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub part_of: Option<Url>,
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub next: Option<Url>,
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub prev: Option<Url>,
    #[serde(
        default,
        deserialize_with = "some_valid",
        skip_serializing_if = "Option::is_none"
    )]
    pub ordered_items: Option<Vec<T>>,
    #[serde(
        default,
        deserialize_with = "some_valid",
        skip_serializing_if = "Option::is_none"
    )]
    pub items: Option<Vec<T>>,
}

impl<T> CollectionPage<T> {
    /// The page's entries: `orderedItems`, else `items`.
    pub fn entries(&self) -> &[T] {
        self.ordered_items
            .as_deref()
            .or(self.items.as_deref())
            .unwrap_or(&[])
    }
}

fn some_valid<'de, T, D>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    drop_invalid(deserializer).map(Some)
}
