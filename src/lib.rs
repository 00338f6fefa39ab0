//! Guildhall: a federated ActivityPub server for communities of practice.
//!
//! Modules are layered; a module only uses those listed above it
//! (see `docs/ARCHITECTURE.md`):
//! `domain` → `settings`, `error`, `urls`, `throttle` → `db` → `protocol`, `signature` → `services`
//! → `federation` → `api`, `web` → `startup` → `cli`.

pub mod api;
pub mod cli;
pub mod db;
pub mod domain;
pub mod error;
pub mod federation;
pub mod operations;
pub mod protocol;
pub mod services;
pub mod settings;
pub mod signature;
pub mod startup;
pub mod throttle;
pub mod urls;
pub mod web;
