//! Wire structs: the ActivityPub JSON we send and accept, as typed serde structs.
//!
//! Parsing is lenient (unknown fields are ignored, single values are accepted
//! where arrays are usual) because real peers differ; serialising is strict and
//! always produces the shapes documented in `docs/FEDERATION.md`.

pub mod activity;
pub mod actor;
pub mod charter;
pub mod collection;
pub mod event;
pub mod jsonld;
pub mod kudos;
pub mod lenient;
pub mod nodeinfo;
pub mod note;
pub mod property_value;
pub mod proposal;
pub mod webfinger;
