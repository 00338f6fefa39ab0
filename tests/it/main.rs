//! Integration tests, built into one binary. Each test boots real
//! instances on its own PostgreSQL database (see `common`).

mod accounts;
mod architecture;
mod bad_input;
mod charters;
mod cli;
mod client;
mod common;
mod communities;
mod config;
mod content_fidelity;
mod delivery_recovery;
mod events;
mod fake_peer;
mod federation_flow;
mod federation_lifecycle;
mod federation_policy;
mod federation_read;
mod fedify;
mod fedify_peer;
mod fixtures;
mod forged_announces;
mod hardening;
mod hardening_policy;
mod hostile_generator;
mod hostile_input;
mod lemmy_payloads;
mod mastodon;
mod mastodon_peer;
mod moderation;
mod openapi;
mod operations;
mod pages;
mod posting_rules;
mod process;
mod schema;
