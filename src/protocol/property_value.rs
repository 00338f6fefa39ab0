//! Mastodon profile fields (`schema:PropertyValue`): name and value pairs
//! under an actor's `attachment`.

use serde::{Deserialize, Serialize};

/// A Mastodon profile field (`schema:PropertyValue`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PropertyValue {
    #[serde(rename = "type")]
    pub kind: PropertyValueKind,
    pub name: String,
    pub value: String,
}

/// The only type tag a [`PropertyValue`] carries.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum PropertyValueKind {
    PropertyValue,
}
