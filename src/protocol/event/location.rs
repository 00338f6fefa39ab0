//! Where an event happens: physical places (with a postal or one-line
//! address) and online locations, in the shapes Mobilizon and Gancio send.

use crate::protocol::lenient::{default_if_invalid, first_id, text_or_map};
use serde::{Deserialize, Serialize};
use url::Url;

/// One entry of an event's `location`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type")]
#[allow(clippy::large_enum_variant)] // a handful per event; boxing would only hinder matching
pub enum Location {
    Place(Place),
    VirtualLocation(VirtualLocation),
}

/// A physical place (or, from Gancio, an online one given as its address).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Place {
    /// Absent or empty for many peers.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Url>,
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// A postal address, a one-line address, or an online location;
    /// anything else is dropped.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub address: Option<Address>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub latitude: Option<f64>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub longitude: Option<f64>,
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<Url>,
}

/// An online location (video call, live stream).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct VirtualLocation {
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    pub url: Url,
}

/// The `address` of a [`Place`].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Address {
    /// A one-line address.
    Text(String),
    /// Gancio: an online location in place of a postal address.
    Online(OnlineAddress),
    Postal(PostalAddress),
}

/// A `VirtualLocation` given as a place's address.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OnlineAddress {
    #[serde(rename = "type")]
    pub kind: OnlineAddressKind,
    pub url: Url,
}

/// The only type tag an [`OnlineAddress`] carries.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum OnlineAddressKind {
    VirtualLocation,
}

/// A schema.org `PostalAddress`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(rename = "type", default)]
    pub kind: PostalAddressKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
}

/// The only type tag a [`PostalAddress`] carries.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub enum PostalAddressKind {
    #[default]
    PostalAddress,
}
