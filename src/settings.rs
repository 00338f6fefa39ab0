//! Instance settings: one documented struct, read from defaults, an optional
//! TOML file (`--config`) and `GUILDHALL_<KEY>` environment variables
//! (`DATABASE_URL` is honoured too), in that order of precedence.
//!
//! `deploy/config.example.toml` is generated from this struct's doc comments
//! (`guildhall config-example`) and a test keeps the two in sync.

use anyhow::{Context, bail};
use documented::DocumentedFields;
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, net::SocketAddr, path::Path};

/// Everything an instance admin can configure.
#[derive(Clone, Serialize, Deserialize, DocumentedFields)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address and port the HTTP server listens on.
    pub bind: String,
    /// Public host name of this instance, with the port when it is not the
    /// scheme's default. It is part of every ActivityPub id and cannot change
    /// once others have federated with the instance.
    pub domain: String,
    /// PostgreSQL connection URL; the database is created when missing.
    /// Left empty, Guildhall uses the server at
    /// postgres://postgres@127.0.0.1:5432/guildhall when one answers there,
    /// and otherwise its own embedded cluster under `data_dir`. "embedded"
    /// always uses the embedded cluster. A URL given here is always used as it is.
    pub database_url: String,
    /// Directory for the instance's own files: the embedded PostgreSQL
    /// cluster lives in its `postgres` folder.
    pub data_dir: String,
    /// Maximum number of pooled database connections (the API, the pages
    /// and the inboxes).
    pub database_pool_size: usize,
    /// Maximum number of pooled database connections of the queue workers
    /// (processing incoming activities, delivering), which commit
    /// asynchronously: what a crash of the database loses of theirs is done
    /// again.
    pub worker_pool_size: usize,
    /// Development mode: plain http ids, loopback peers and `dev_resolve`.
    /// Never enable it on a public server.
    #[serde(deserialize_with = "flag")]
    pub dev: bool,
    /// Dev mode only: host names to resolve to fixed addresses, so several
    /// instances with distinct names run on one machine, as
    /// "alpha.test=127.0.0.1:8101,beta.test=127.0.0.1:8102".
    pub dev_resolve: String,
    /// Name of the instance, shown on its pages and in NodeInfo.
    pub instance_name: String,
    /// One-line description of the instance.
    pub instance_description: String,
    /// Largest request body accepted, in bytes; larger bodies get 413.
    pub max_body_bytes: usize,
    /// Log filter in `tracing` syntax, e.g. "info" or "guildhall=debug,info".
    pub log: String,
    /// Require HTTP signatures on GET requests for our ActivityPub documents
    /// (Mastodon's "authorized fetch"); unsigned fetches get 401.
    #[serde(deserialize_with = "flag")]
    pub authorized_fetch: bool,
    /// Federate only with partner instances (`guildhall admin partner add`);
    /// otherwise with every instance that is not blocked.
    #[serde(deserialize_with = "flag")]
    pub allowlist_only: bool,
    /// Hold another instance's request to receive our community directory
    /// (its instance actor following ours) until an admin adds that
    /// instance as a partner too. Off: such requests from any instance we
    /// federate with are accepted at once (with `allowlist_only`, only
    /// partners can ask at all); our directory lists public communities
    /// only, which anyone can read anyway.
    #[serde(deserialize_with = "flag")]
    pub partner_requests_need_approval: bool,
    /// Share our partners' listed communities with our other partners (one
    /// hop, marked second-hand with the partner they came through); they
    /// check each at its origin. Off by default: a partner learns only of
    /// our own communities.
    #[serde(deserialize_with = "flag")]
    pub directory_share_partners: bool,
    /// Days without word from a partner instance (no delivery to it
    /// answered, no directory news from it) after which its communities
    /// are marked stale in our directory; they stay listed until the
    /// partnership is removed.
    pub directory_stale_days: u32,
    /// Seconds between rounds of the proposal clock: it sends the poll
    /// counts that changed since the last round (one `Update{Question}`
    /// per poll, however many votes came in) and closes the proposals
    /// whose voting window ended.
    pub proposal_clock_seconds: u32,
    /// Deliveries sent at the same time (across all remote instances).
    pub delivery_concurrency: usize,
    /// Incoming activities accepted per remote instance per minute; more get 429.
    /// Only activities whose signature verified count.
    pub inbox_rate_limit: u32,
    /// Inbox requests with a malformed body or a signature that does not
    /// verify one client address may make per minute; more get 429.
    pub inbox_failure_limit: u32,
    /// Outgoing fetches allowed while handling one incoming activity.
    pub fetch_budget: u32,
    /// Incoming activities processed at the same time (activities of one
    /// actor are processed one after the other, in order).
    pub inbox_concurrency: usize,
    /// Days a processed incoming activity's id is kept to recognise replays
    /// and duplicates (its body is dropped at once); dead-lettered
    /// activities stay until an admin removes them.
    pub incoming_retention_days: u32,
    /// Days a sign-in session lasts.
    pub session_days: u32,
    /// Anyone may create an account on the `/register` page. Off: only
    /// admins create accounts (`guildhall admin create-user`).
    pub registration_open: bool,
    /// Take the client address from `X-Forwarded-For` (set by a reverse proxy
    /// in front of Guildhall) for sign-in and inbox throttling. Leave it off
    /// when clients reach Guildhall directly: they could invent addresses.
    #[serde(deserialize_with = "flag")]
    pub trust_forwarded_for: bool,
    /// Run the delivery and inbox workers in this process.
    #[serde(deserialize_with = "flag")]
    pub workers: bool,
    /// For tests: retry failed deliveries after milliseconds instead of
    /// minutes and poll the queues continuously.
    #[serde(deserialize_with = "flag")]
    pub fast_queue: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "127.0.0.1:8080".into(),
            domain: "localhost:8080".into(),
            database_url: String::new(),
            data_dir: "./data".into(),
            database_pool_size: 16,
            worker_pool_size: 24,
            dev: false,
            dev_resolve: String::new(),
            instance_name: "Guildhall".into(),
            instance_description: "Communities of practice, federated.".into(),
            max_body_bytes: 1024 * 1024,
            log: "info".into(),
            authorized_fetch: false,
            allowlist_only: false,
            partner_requests_need_approval: false,
            directory_share_partners: false,
            directory_stale_days: 30,
            proposal_clock_seconds: 10,
            delivery_concurrency: 64,
            inbox_rate_limit: 6000,
            inbox_failure_limit: 120,
            fetch_budget: 20,
            inbox_concurrency: 16,
            incoming_retention_days: 30,
            session_days: 30,
            registration_open: false,
            trust_forwarded_for: false,
            workers: true,
            fast_queue: false,
        }
    }
}

/// Leaves out the database password.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("domain", &self.domain)
            .field("database_url", &self.database_url_redacted())
            .field("dev", &self.dev)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Loads settings from defaults, the optional TOML file and the environment.
    pub fn load(config_file: Option<&Path>) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = config_file {
            if !path.exists() {
                bail!("config file {} does not exist", path.display());
            }
            figment = figment.merge(Toml::file(path));
        }
        let settings: Settings = figment
            .merge(Env::raw().only(&["DATABASE_URL"]).lowercase(true))
            .merge(Env::prefixed("GUILDHALL_").only(Settings::FIELD_NAMES))
            .extract()
            .context("invalid configuration")?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks values that serde cannot.
    pub fn validate(&self) -> anyhow::Result<()> {
        self.bind
            .parse::<SocketAddr>()
            .with_context(|| format!("bind `{}` is not an address:port", self.bind))?;
        let probe = url::Url::parse(&format!("http://{}/", self.domain))
            .ok()
            .filter(|u| u.path() == "/" && u.username().is_empty());
        let Some(probe) = probe else {
            bail!("domain `{}` is not a host name", self.domain);
        };
        if !self.dev
            && probe
                .host()
                .is_some_and(|h| !matches!(h, url::Host::Domain(_)))
        {
            bail!(
                "domain `{}` must be a host name, not an IP address",
                self.domain
            );
        }
        if !self.dev && !self.dev_resolve.is_empty() {
            bail!("dev_resolve is only allowed in dev mode (dev = true)");
        }
        self.resolve_overrides()?;
        Ok(())
    }

    /// The URL scheme of our ids: http in dev mode and for a `localhost`
    /// domain (a local instance that cannot federate anyway), https otherwise.
    pub fn scheme(&self) -> &'static str {
        let host = self.domain.split(':').next().unwrap_or_default();
        if self.dev || host == "localhost" || host.ends_with(".localhost") {
            "http"
        } else {
            "https"
        }
    }

    /// The base URL of this instance, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme(), self.domain)
    }

    /// The parsed `dev_resolve` map: host name → address.
    pub fn resolve_overrides(&self) -> anyhow::Result<BTreeMap<String, SocketAddr>> {
        self.dev_resolve
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let (host, addr) = entry
                    .split_once('=')
                    .with_context(|| format!("dev_resolve entry `{entry}` is not host=ip:port"))?;
                let addr = addr
                    .parse()
                    .with_context(|| format!("dev_resolve address `{addr}` is not ip:port"))?;
                Ok((host.to_ascii_lowercase(), addr))
            })
            .collect()
    }

    /// The database URL with any password replaced, for messages and logs.
    pub fn database_url_redacted(&self) -> String {
        match url::Url::parse(&self.database_url) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("***"));
                url.to_string()
            }
            _ => self.database_url.clone(),
        }
    }

    /// The example configuration file: every setting with its doc comment and default.
    pub fn example_toml() -> String {
        let defaults = toml::Table::try_from(Settings::default()).unwrap_or_default();
        let mut out = String::from(
            "# Guildhall configuration. Generated by `guildhall config-example`; do not edit by hand.\n\
             # Every key can also be set as an environment variable GUILDHALL_<KEY>.\n",
        );
        for (name, doc) in Settings::FIELD_NAMES.iter().zip(Settings::FIELD_DOCS) {
            out.push('\n');
            for line in doc.lines() {
                out.push_str(format!("# {}", line.trim()).trim_end());
                out.push('\n');
            }
            if let Some(value) = defaults.get(*name) {
                out.push_str(&format!("{name} = {value}\n"));
            }
        }
        out
    }

    /// `docs/CONFIGURATION.md`: every key with its environment variable,
    /// default and meaning, from the same doc comments as the example file.
    pub fn reference_markdown() -> String {
        let defaults = toml::Table::try_from(Settings::default()).unwrap_or_default();
        let mut out = String::from(
            "# Configuration\n\n\
             <!-- Generated by `guildhall config-reference`; do not edit by hand. -->\n\n\
             Settings come from their defaults, then an optional TOML file \
             (`--config <file>` or `GUILDHALL_CONFIG`), then `DATABASE_URL`, then \
             the `GUILDHALL_<KEY>` environment variables, each overriding the one \
             before. Flags also take `1`/`0`, `yes`/`no`, `on`/`off`. \
             `guildhall config-example` prints a TOML file with every key.\n\n\
             | key | environment | default | meaning |\n|---|---|---|---|\n",
        );
        for (name, doc) in Settings::FIELD_NAMES.iter().zip(Settings::FIELD_DOCS) {
            let default = match defaults.get(*name) {
                Some(toml::Value::String(text)) if text.is_empty() => "(empty)".to_string(),
                Some(value) => format!("`{value}`"),
                None => "(none)".to_string(),
            };
            let meaning = doc
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
                .replace('|', "\\|");
            let env = format!("GUILDHALL_{}", name.to_ascii_uppercase());
            out.push_str(&format!("| `{name}` | `{env}` | {default} | {meaning} |\n"));
        }
        out
    }
}

/// A boolean that also accepts `1`/`0` and `yes`/`no`, as people write
/// them in environment variables (`GUILDHALL_DEV=1`).
fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Number(i64),
        Text(String),
    }
    match Flag::deserialize(deserializer)? {
        Flag::Bool(value) => Ok(value),
        Flag::Number(0) => Ok(false),
        Flag::Number(1) => Ok(true),
        Flag::Text(text) => match text.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" | "" => Ok(false),
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is not true or false"
            ))),
        },
        Flag::Number(other) => Err(serde::de::Error::custom(format!(
            "`{other}` is not true or false"
        ))),
    }
}
