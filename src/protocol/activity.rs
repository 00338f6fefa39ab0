//! Activities on the wire: follows, posts, votes, RSVPs and moderation, as
//! one generic [`Activity`] and the [`AnyActivity`] enum an inbox receives.
//!
//! `AnyActivity` and [`AnyObject`] pick their variant from `type` (a string,
//! or an array whose first known entry counts), so an unknown type is a clear
//! "unsupported activity type `Move`" error rather than a failed guess.

mod object;
mod reference;

pub use object::{Announced, AnyObject};
pub use reference::{Identified, Reference, References, required_id};

use super::{
    jsonld::Context,
    lenient::{IdOrObject, addressees, first_id, text_or_map},
};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, de::DeserializeOwned, de::Error as _};
use serde_json::Value;
use url::Url;

/// An activity: `actor` does `kind` to `object`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Activity<O> {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    #[serde(rename = "type")]
    pub kind: ActivityKind,
    pub id: Url,
    #[serde(deserialize_with = "required_id")]
    pub actor: Url,
    pub object: O,
    #[serde(
        default,
        deserialize_with = "addressees",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        deserialize_with = "addressees",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cc: Vec<Url>,
    /// FEP-1b12: the group the activity happens in.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub audience: Option<Url>,
    /// `Add`/`Remove`: the collection; Lemmy `Block`: the community.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub target: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<FixedOffset>>,
    /// The reason for a removal, ban, lock or report (Lemmy).
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<String>,
    /// A report's comment (Mastodon `Flag`).
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub content: Option<String>,
    /// Lemmy `Block` and `Delete` of a person: also remove their content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_data: Option<bool>,
    /// Lemmy `Block`: when the ban ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<FixedOffset>>,
}

impl<O> Activity<O> {
    /// An activity with only its type, id, actor and object; fill in the
    /// addressing and the rest by field.
    pub fn new(kind: ActivityKind, id: Url, actor: Url, object: O) -> Self {
        Activity {
            context: None,
            kind,
            id,
            actor,
            object,
            to: Vec::new(),
            cc: Vec::new(),
            audience: None,
            target: None,
            published: None,
            summary: None,
            content: None,
            remove_data: None,
            end_time: None,
        }
    }
}

impl Activity<Reference> {
    /// A copy with only `id`, `type`, `actor` and `object`: how to embed a
    /// `Follow` or `Join` in the `Accept` or `Reject` we send (Lemmy refuses
    /// an embedded follow that carries more, such as a whole actor).
    pub fn embeddable(&self) -> Self {
        Activity::new(
            self.kind,
            self.id.clone(),
            self.actor.clone(),
            self.object.clone(),
        )
    }
}

/// An activity given by id or embedded: the object of `Accept`, `Reject`
/// and `Undo`.
pub type ActivityRef = IdOrObject<Box<AnyActivity>>;

macro_rules! activities {
    ($($(#[$doc:meta])* $kind:ident($object:ty),)*) => {
        /// The activity types we understand.
        #[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
        pub enum ActivityKind {
            $($(#[$doc])* $kind,)*
        }

        /// Any activity we understand, typed by its kind.
        #[derive(Clone, Debug, Serialize)]
        #[serde(untagged)]
        pub enum AnyActivity {
            $($(#[$doc])* $kind(Activity<$object>),)*
        }

        impl AnyActivity {
            /// The activity's type.
            pub fn kind(&self) -> ActivityKind {
                match self {
                    $(AnyActivity::$kind(activity) => activity.kind,)*
                }
            }

            pub fn id(&self) -> &Url {
                match self {
                    $(AnyActivity::$kind(activity) => &activity.id,)*
                }
            }

            pub fn actor(&self) -> &Url {
                match self {
                    $(AnyActivity::$kind(activity) => &activity.actor,)*
                }
            }

            /// The id of the object (the first one for a `Flag`).
            pub fn object_id(&self) -> Option<&Url> {
                match self {
                    $(AnyActivity::$kind(activity) => activity.object.referenced_id(),)*
                }
            }

            fn parse_as(
                kind: ActivityKind,
                value: Value,
            ) -> Result<Self, serde_path_to_error::Error<serde_json::Error>> {
                match kind {
                    $(ActivityKind::$kind => serde_path_to_error::deserialize(value).map(AnyActivity::$kind),)*
                }
            }
        }
    };
}

activities! {
    /// Subscribe to an actor (object: the actor).
    Follow(Reference),
    /// Approve a `Follow` or a `Join` (object: that activity).
    Accept(ActivityRef),
    /// Refuse a `Follow` or a `Join` (object: that activity).
    Reject(ActivityRef),
    /// Take back an earlier activity (object: that activity).
    Undo(ActivityRef),
    /// Publish an object: a post, an event, or (to partner instances) a
    /// community's `Group`.
    Create(AnyObject),
    /// Replace an object with its new version.
    Update(AnyObject),
    /// Delete an object or an actor (object: it, or its `Tombstone`).
    Delete(Reference),
    /// Share: an activity (FEP-1b12), a bare object (a Mastodon boost), or
    /// either by URL.
    Announce(IdOrObject<Box<Announced>>),
    /// Favourite or upvote (object: the post).
    Like(Reference),
    /// Downvote (object: the post).
    Dislike(Reference),
    /// RSVP "going" (object: the event).
    Join(Reference),
    /// Withdraw an RSVP (object: the event).
    Leave(Reference),
    /// RSVP "interested" (object: the event).
    TentativeAccept(Reference),
    /// A report (object: the reported actors and objects).
    Flag(References),
    /// A block, or a Lemmy ban with the community as `target` (object: the
    /// actor).
    Block(Reference),
    /// Add to the collection in `target` (moderators, featured posts).
    Add(Reference),
    /// Remove from the collection in `target`.
    Remove(Reference),
    /// Close a post to new comments (Lemmy).
    Lock(Reference),
}

impl AnyActivity {
    fn from_json(mut value: Value) -> Result<Self, String> {
        let kind = resolve_type::<ActivityKind>(&mut value)
            .ok_or_else(|| unsupported("activity", &value))?;
        // Each level is parsed once: a nested activity's error travels up
        // as it is (see `IdOrObject`), so nothing is parsed again here.
        AnyActivity::parse_as(kind, value).map_err(|error| {
            let path = error.path().to_string();
            match path.as_str() {
                "." | "" => format!("{kind:?}: {}", error.inner()),
                path => format!("{kind:?}: {path}: {}", error.inner()),
            }
        })
    }
}

/// How deeply objects may nest, one inside the other's `object`:
/// `Announce{Undo{Like{Note}}}` is the deepest shape peers send (3).
/// Deeper nesting is refused before any typed parsing.
pub const MAX_OBJECT_NESTING: usize = 3;

/// How deeply `object` values nest in `value`: 0 for an activity whose
/// object is a URL, 1 for `Create{Note}`, 2 for `Announce{Create{Note}}`.
/// Iterative and cheap: it follows only the `object` chain.
pub fn object_nesting(value: &Value) -> usize {
    let mut depth = 0;
    let mut current = value;
    while let Some(object) = current.get("object") {
        let next = match object {
            Value::Array(items) => items.iter().find(|item| item.is_object()),
            other => Some(other).filter(|o| o.is_object()),
        };
        let Some(next) = next else {
            break;
        };
        depth += 1;
        current = next;
    }
    depth
}

impl<'de> Deserialize<'de> for AnyActivity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        AnyActivity::from_json(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// The names in `type`: one string, or the strings of an array.
fn type_names(value: &Value) -> Vec<&str> {
    match value.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn parse_name<K: DeserializeOwned>(name: &str) -> Option<K> {
    K::deserialize(Value::String(name.to_owned())).ok()
}

/// Finds the first name in `type` that is a `K` and leaves it as the only one.
fn resolve_type<K: DeserializeOwned>(value: &mut Value) -> Option<K> {
    let (name, kind) = type_names(value)
        .into_iter()
        .find_map(|name| parse_name::<K>(name).map(|kind| (name.to_owned(), kind)))?;
    if let Some(field) = value.get_mut("type") {
        *field = Value::String(name);
    }
    Some(kind)
}

fn unsupported(what: &str, value: &Value) -> String {
    match type_names(value).as_slice() {
        [] => format!("{what} without a type"),
        names => format!("unsupported {what} type `{}`", names.join("`, `")),
    }
}
