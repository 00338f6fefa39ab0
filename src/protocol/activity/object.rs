//! The objects an activity carries: [`AnyObject`] (what `Create` and
//! `Update` carry) and [`Announced`] (what `Announce` carries).

use super::{ActivityKind, AnyActivity, parse_name, resolve_type, type_names, unsupported};
use crate::protocol::{
    actor::{Actor, ActorKind},
    event::{Event, EventKind},
    note::{PostKind, PostObject},
};
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
use serde_json::Value;
use url::Url;

/// Any object we understand: what `Create` and `Update` carry and what a
/// fetch returns.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum AnyObject {
    Post(Box<PostObject>),
    Event(Box<Event>),
    Actor(Box<Actor>),
}

impl AnyObject {
    /// The object's id.
    pub fn id(&self) -> &Url {
        match self {
            AnyObject::Post(post) => &post.id,
            AnyObject::Event(event) => &event.id,
            AnyObject::Actor(actor) => &actor.id,
        }
    }

    fn from_json(mut value: Value) -> Result<Self, String> {
        let parsed = if resolve_type::<PostKind>(&mut value).is_some() {
            PostObject::deserialize(&value).map(|post| AnyObject::Post(Box::new(post)))
        } else if resolve_type::<EventKind>(&mut value).is_some() {
            Event::deserialize(&value).map(|event| AnyObject::Event(Box::new(event)))
        } else if resolve_type::<ActorKind>(&mut value).is_some() {
            Actor::deserialize(&value).map(|actor| AnyObject::Actor(Box::new(actor)))
        } else {
            return Err(unsupported("object", &value));
        };
        parsed.map_err(|error| format!("{}: {error}", type_names(&value).join(", ")))
    }
}

impl<'de> Deserialize<'de> for AnyObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        AnyObject::from_json(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// What an `Announce` carries: an activity (FEP-1b12 groups) or an object.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Announced {
    Activity(Box<AnyActivity>),
    Object(AnyObject),
}

impl<'de> Deserialize<'de> for Announced {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let is_activity = type_names(&value)
            .into_iter()
            .any(|name| parse_name::<ActivityKind>(name).is_some());
        let announced = if is_activity {
            AnyActivity::from_json(value).map(|activity| Announced::Activity(Box::new(activity)))
        } else {
            AnyObject::from_json(value).map(Announced::Object)
        };
        announced.map_err(D::Error::custom)
    }
}
