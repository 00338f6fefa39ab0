//! ActivityPub federation: wire structs (`protocol`), building our actors'
//! documents (`actors`), WebFinger, NodeInfo, and the routes that serve them.
//! The `activitypub_federation` crate is used only inside this module.

pub mod actors;
pub mod keys;
pub mod negotiate;
pub mod nodeinfo;
pub mod protocol;
pub mod routes;
pub mod webfinger;
