//! Which database a `database_url` setting means: a configured server as
//! it is, the local server when the setting is empty and one answers on
//! 127.0.0.1:5432, and otherwise (or with "embedded") the embedded cluster.

use super::Cluster;
use crate::settings::Settings;
use std::{
    net::{Ipv4Addr, SocketAddr, TcpStream},
    path::PathBuf,
    time::Duration,
};

/// `database_url` value that always selects the embedded cluster.
pub const EMBEDDED: &str = "embedded";
/// The server an empty `database_url` means, when one answers there.
pub const LOCAL_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432/guildhall";
/// Which database a `database_url` setting means.
#[derive(Debug, PartialEq, Eq)]
pub enum Choice {
    /// A server at this URL.
    Server(String),
    /// The embedded cluster under `data_dir`.
    Embedded,
}

/// Decides where the database is. An empty setting means the local server
/// when `local_server_answers()`, the embedded cluster otherwise; a URL is
/// used as it is.
pub fn choose(database_url: &str, local_server_answers: impl FnOnce() -> bool) -> Choice {
    match database_url.trim() {
        EMBEDDED => Choice::Embedded,
        "" if local_server_answers() => Choice::Server(LOCAL_SERVER_URL.to_string()),
        "" => Choice::Embedded,
        url => Choice::Server(url.to_string()),
    }
}

/// True when something accepts TCP connections on 127.0.0.1:5432.
pub fn default_address_answers() -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 5432));
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// The URL of the database `settings` mean, with the embedded cluster
/// started (on a blocking thread) when that is the choice.
pub async fn locate(settings: &Settings) -> anyhow::Result<(String, Option<Cluster>)> {
    let configured = settings.database_url.clone();
    let choice =
        tokio::task::spawn_blocking(move || choose(&configured, default_address_answers)).await?;
    match choice {
        Choice::Server(url) => Ok((url, None)),
        Choice::Embedded => {
            let data_dir = PathBuf::from(&settings.data_dir);
            let cluster = tokio::task::spawn_blocking(move || Cluster::open(&data_dir)).await??;
            tracing::info!(dir = %cluster.dir().display(), "using the embedded PostgreSQL");
            Ok((cluster.database_url(), Some(cluster)))
        }
    }
}
