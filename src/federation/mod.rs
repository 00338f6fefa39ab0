//! ActivityPub federation: wire structs (`protocol`), building our actors'
//! documents (`actors`), WebFinger, NodeInfo, and the routes that serve them.
//! The `activitypub_federation` crate is used only inside this module.

pub mod activities;
pub mod actors;
pub mod client;
pub mod context;
pub mod delivery;
pub mod directory;
pub mod fetch;
pub mod handle;
pub mod inbox;
pub mod limits;
pub mod metrics;
pub mod negotiate;
pub mod nodeinfo;
pub mod objects;
pub mod outbox;
pub mod outgoing;
pub mod partner;
pub mod policy;
pub mod processor;
pub mod resolve;
pub mod routes;
pub mod signer;
pub mod stop;
pub mod webfinger;
