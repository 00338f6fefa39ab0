//! Events on the wire (FEP-8a8e, Mobilizon-compatible): times, time zone,
//! physical and online locations, capacity and status.

mod location;

pub use location::{
    Address, Location, OnlineAddress, OnlineAddressKind, Place, PostalAddress, PostalAddressKind,
    VirtualLocation,
};

use super::{
    actor::Source,
    jsonld::Context,
    lenient::{addressees, default_if_invalid, drop_invalid, first_id, text_or_map},
    note::{Attachment, Tag},
};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize, Serializer};
use url::Url;

/// The only type tag an [`Event`] carries.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum EventKind {
    Event,
}

/// An event. Mastodon shows only `name`, `summary` and a link, so put the
/// date, time zone and place in `summary` when sending.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub id: Url,
    /// The title.
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// The description, usually HTML.
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub source: Option<Source>,
    /// A plain-text excerpt: what Mastodon shows.
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<String>,
    pub start_time: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<FixedOffset>>,
    /// IANA time zone name, e.g. `Europe/Vienna`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Where it happens: places and online links; other entries are dropped.
    /// A single location is written as an object, not an array, because
    /// Mobilizon reads only that.
    #[serde(
        default,
        deserialize_with = "drop_invalid",
        serialize_with = "one_or_array",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub location: Vec<Location>,
    /// How joins are handled; an unknown mode is dropped.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub join_mode: Option<JoinMode>,
    /// Where to register when `join_mode` is `external` (may be `mailto:`).
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub external_participation_url: Option<Url>,
    /// Mobilizon sends 0 for "no limit".
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub maximum_attendee_capacity: Option<u64>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub remaining_attendee_capacity: Option<u64>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub participant_count: Option<u64>,
    /// `ical:status`; an unknown status is dropped.
    #[serde(
        rename = "ical:status",
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<EventStatus>,
    /// Mobilizon: whether the event happens only online.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_online: Option<bool>,
    /// The organiser: a person, or the group for a group's event.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub attributed_to: Option<Url>,
    /// Mobilizon: the person who created a group's event.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub actor: Option<Url>,
    /// FEP-1b12: the group the event belongs to.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub audience: Option<Url>,
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
    /// The event's page.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<Url>,
    /// Category codes (FEP-8a8e / Mobilizon), e.g. `MUSIC`.
    #[serde(
        default,
        deserialize_with = "drop_invalid",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub category: Vec<String>,
    #[serde(
        default,
        deserialize_with = "drop_invalid",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tag: Vec<Tag>,
    #[serde(
        default,
        deserialize_with = "drop_invalid",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attachment: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<FixedOffset>>,
}

impl Event {
    /// An event with only its id and start; fill in the rest by field.
    pub fn new(id: Url, start_time: DateTime<FixedOffset>) -> Self {
        Event {
            context: None,
            kind: EventKind::Event,
            id,
            name: None,
            content: None,
            media_type: None,
            source: None,
            summary: None,
            start_time,
            end_time: None,
            timezone: None,
            location: Vec::new(),
            join_mode: None,
            external_participation_url: None,
            maximum_attendee_capacity: None,
            remaining_attendee_capacity: None,
            participant_count: None,
            status: None,
            is_online: None,
            attributed_to: None,
            actor: None,
            audience: None,
            to: Vec::new(),
            cc: Vec::new(),
            url: None,
            category: Vec::new(),
            tag: Vec::new(),
            attachment: Vec::new(),
            published: None,
            updated: None,
        }
    }

    /// The physical places among the locations.
    pub fn places(&self) -> impl Iterator<Item = &Place> {
        self.location.iter().filter_map(|location| match location {
            Location::Place(place) => Some(place),
            Location::VirtualLocation(_) => None,
        })
    }

    /// The online links: `VirtualLocation`s, and places whose address is a
    /// `VirtualLocation` (as Gancio sends them).
    pub fn online_urls(&self) -> impl Iterator<Item = &Url> {
        self.location.iter().filter_map(|location| match location {
            Location::VirtualLocation(online) => Some(&online.url),
            Location::Place(Place {
                address: Some(Address::Online(online)),
                ..
            }) => Some(&online.url),
            Location::Place(_) => None,
        })
    }
}

/// How an event takes participants (FEP-8a8e `joinMode`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum JoinMode {
    /// Anyone may join.
    Free,
    /// Joins wait for the organiser's approval.
    Restricted,
    /// By invitation only.
    Invite,
    /// Registration happens at `externalParticipationUrl`.
    External,
}

/// `ical:status`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum EventStatus {
    Confirmed,
    Tentative,
    Cancelled,
}

/// Writes one item as itself and several as an array.
fn one_or_array<S: Serializer>(items: &[Location], serializer: S) -> Result<S::Ok, S::Error> {
    match items {
        [item] => item.serialize(serializer),
        items => items.serialize(serializer),
    }
}
