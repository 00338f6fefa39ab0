//! Use-cases shared by the JSON API, the web pages, the CLI and (later) the
//! inbox. Services validate input, apply rules and write to the database;
//! they never send anything over the network.

pub mod account;
pub mod account_admin;
pub mod charter;
pub mod community;
pub mod community_admin;
pub mod contributors;
pub mod departure;
pub mod directory;
pub mod event;
pub mod federation_admin;
pub mod follow;
pub mod kept;
pub mod kudos;
pub mod milestone;
pub mod moderation;
pub mod outgoing;
pub mod partner;
pub mod password;
pub mod post;
pub mod proposal;
pub mod queue_admin;

use crate::{db::DbPool, settings::Settings, urls::Urls};
use diesel_async::AsyncPgConnection;
use outgoing::{Outgoing, Publisher};
use std::sync::Arc;

/// What every service needs: settings, the database pool, our URLs, the
/// limits on password sign-ins, the rankings and answers kept lately, and
/// the port that what happens goes out through.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pool: DbPool,
    pub urls: Urls,
    pub sign_ins: Arc<account::SignInLimits>,
    /// Top contributors computed lately.
    pub rankings: Arc<contributors::Rankings>,
    /// Documents and policies kept for a moment (`kept`).
    pub kept: Arc<kept::KeptAnswers>,
    publisher: Arc<dyn Publisher>,
}

impl AppState {
    /// Builds the state for `settings` over `pool`, publishing through
    /// `publisher` (`startup::app_state` gives the ActivityPub one).
    pub fn new(settings: Settings, pool: DbPool, publisher: Arc<dyn Publisher>) -> Self {
        let urls = Urls::new(settings.base_url());
        AppState {
            settings: Arc::new(settings),
            pool,
            urls,
            sign_ins: Arc::new(account::SignInLimits::default()),
            rankings: Arc::new(contributors::Rankings::default()),
            kept: Arc::default(),
            publisher,
        }
    }

    /// Tells the outside world that `event` happened, in the transaction of
    /// `conn`. A community's changed profile is forgotten by `kept` here.
    pub async fn emit(
        &self,
        conn: &mut AsyncPgConnection,
        event: Outgoing,
    ) -> diesel::QueryResult<()> {
        if matches!(event, Outgoing::ProfileChanged { .. }) {
            self.kept.community_changed();
        }
        self.publisher.publish(conn, event).await
    }
}
