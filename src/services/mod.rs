//! Use-cases shared by the JSON API, the web pages, the CLI and (later) the
//! inbox. Services validate input, apply rules and write to the database;
//! they never send anything over the network.

pub mod account;
pub mod charter;
pub mod community;
pub mod federation_admin;
pub mod follow;
pub mod moderation;
pub mod outbox;
pub mod password;
pub mod post;

use crate::{db::DbPool, settings::Settings, urls::Urls};
use std::sync::Arc;

/// What every service needs: settings, the database pool, our URLs, and
/// the limits on password sign-ins.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pool: DbPool,
    pub urls: Urls,
    pub sign_ins: Arc<account::SignInLimits>,
}

impl AppState {
    /// Builds the state for `settings` over `pool`.
    pub fn new(settings: Settings, pool: DbPool) -> Self {
        let urls = Urls::new(settings.base_url());
        AppState {
            settings: Arc::new(settings),
            pool,
            urls,
            sign_ins: Arc::new(account::SignInLimits::default()),
        }
    }
}
