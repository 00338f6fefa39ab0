//! References to objects: what most activities carry as `object`, and the
//! [`Identified`] trait that finds the id in any activity's object.

use super::{Announced, AnyActivity, AnyObject};
use crate::protocol::lenient::{IdOrObject, first_id, one_or_many};
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
use url::Url;

/// A reference that peers send as a URL, an embedded object with an `id`
/// or a `Link`; only the URL is kept, and it is serialised as a bare URL.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
#[serde(transparent)]
pub struct Reference(pub Url);

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        required_id(deserializer).map(Reference)
    }
}

/// One or more references (the object of a `Flag`; Lemmy sends one, Mastodon
/// an array).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct References(pub Vec<Reference>);

impl<'de> Deserialize<'de> for References {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        one_or_many(deserializer).map(References)
    }
}

/// Anything that can be an activity's `object`: it knows the id it points at.
pub trait Identified {
    /// A reference's URL, or an embedded object's own id (the first of a
    /// list).
    fn referenced_id(&self) -> Option<&Url>;
}

impl Identified for Reference {
    fn referenced_id(&self) -> Option<&Url> {
        Some(&self.0)
    }
}

impl Identified for References {
    fn referenced_id(&self) -> Option<&Url> {
        self.0.first().map(|reference| &reference.0)
    }
}

impl Identified for AnyActivity {
    fn referenced_id(&self) -> Option<&Url> {
        Some(self.id())
    }
}

impl Identified for AnyObject {
    fn referenced_id(&self) -> Option<&Url> {
        Some(self.id())
    }
}

impl Identified for Announced {
    fn referenced_id(&self) -> Option<&Url> {
        match self {
            Announced::Activity(activity) => Some(activity.id()),
            Announced::Object(object) => Some(object.id()),
        }
    }
}

impl<T: Identified> Identified for Box<T> {
    fn referenced_id(&self) -> Option<&Url> {
        T::referenced_id(self)
    }
}

impl<T: Identified> Identified for IdOrObject<T> {
    fn referenced_id(&self) -> Option<&Url> {
        match self {
            IdOrObject::Id(id) => Some(id),
            IdOrObject::Object(object) => object.referenced_id(),
        }
    }
}

/// Like [`first_id`], but the URL must be there.
pub fn required_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Url, D::Error> {
    first_id(deserializer)?
        .ok_or_else(|| D::Error::custom("expected a URL or an object with an id"))
}
