//! PostgreSQL access: where the database is (a configured server or the
//! `embedded` cluster), the connection pool, embedded migrations, and one
//! module per table (row struct, insert/update forms, queries).

pub mod charter_version;
pub mod community;
pub mod delivery;
pub mod directory;
pub mod directory_neighbours;
pub mod embedded;
pub mod event;
pub mod follow;
pub mod handle;
pub mod incoming;
pub mod instance;
pub mod kudos;
pub mod milestone;
pub mod moderation;
pub mod moderator;
pub mod peer;
pub mod person;
pub mod post;
pub mod proposal;
pub mod rsvp;
pub mod schema;
pub mod session;
pub mod standing;
mod typed;

use anyhow::{Context, anyhow};
use diesel_async::{
    AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl,
    pooled_connection::{
        AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod, deadpool::Pool,
    },
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The connection pool shared by the whole process.
pub type DbPool = Pool<AsyncPgConnection>;
/// A pooled connection.
pub type DbConn = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;

/// Every migration in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Creates the database named in `url` when it does not exist yet, through
/// the server's `postgres` maintenance database.
pub async fn create_database_if_missing(url: &str, redacted: &str) -> anyhow::Result<()> {
    let parsed =
        url::Url::parse(url).with_context(|| format!("invalid database URL {redacted}"))?;
    let name = parsed.path().trim_start_matches('/').to_string();
    if name.is_empty() || name == "postgres" {
        return Ok(());
    }
    let mut maintenance = parsed.clone();
    maintenance.set_path("/postgres");
    let mut conn = AsyncPgConnection::establish(maintenance.as_str())
        .await
        .map_err(|err| anyhow!("cannot connect to the database server at {redacted}: {err}"))?;
    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<diesel::sql_types::Text, _>(&name)
            .get_result(&mut conn)
            .await?;
    if !found.exists {
        let quoted = name.replace('"', "\"\"");
        match diesel::sql_query(format!("CREATE DATABASE \"{quoted}\""))
            .execute(&mut conn)
            .await
        {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // Another process created it between our check and our create.
            Err(err) if err.to_string().contains("already exists") => {}
            Err(err) => return Err(err).context(format!("cannot create database {name}")),
        }
    }
    Ok(())
}

/// Runs every pending migration on the database at `url`.
pub async fn run_migrations(url: &str, redacted: &str) -> anyhow::Result<Vec<String>> {
    let conn = AsyncPgConnection::establish(url)
        .await
        .map_err(|err| anyhow!("cannot connect to the database at {redacted}: {err}"))?;
    // The harness drives the async connection synchronously, so it runs on
    // a blocking thread (this works on any runtime flavour).
    tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        harness
            .run_pending_migrations(MIGRATIONS)
            .map(|applied| applied.iter().map(ToString::to_string).collect())
            .map_err(|err| anyhow!("migrations failed: {err}"))
    })
    .await
    .context("migration task failed")?
}

/// True when every migration compiled into this binary has run on the
/// database (a binary newer than its database is not ready).
pub async fn migrations_current(conn: &mut DbConn) -> anyhow::Result<bool> {
    use diesel::migration::MigrationSource;
    #[derive(diesel::QueryableByName)]
    struct Applied {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    let applied: std::collections::HashSet<String> =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load::<Applied>(conn)
            .await?
            .into_iter()
            .map(|row| row.version)
            .collect();
    let ours = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .map_err(|err| anyhow!("cannot list migrations: {err}"))?;
    Ok(ours
        .iter()
        .all(|migration| applied.contains(&migration.name().version().to_string())))
}

/// How long a request waits for a pooled connection before it gets 503:
/// pressure becomes a quick refusal, not a hang.
const POOL_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// How the connections of a pool commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Commit {
    /// A commit returns once it is on disk: what the API and the inbox
    /// acknowledge.
    Durable,
    /// A commit returns before it is on disk (PostgreSQL's asynchronous
    /// commit): for the queue workers, whose work is done again when a
    /// crash of the database loses it (the stored activity stays
    /// unprocessed, the delivery stays queued).
    Asynchronous,
}

/// Builds the pool and checks that one connection can be made. A pooled
/// connection is handed out again without a test query (`SELECT 1` on every
/// checkout was a round trip per use); one whose server closed it is
/// dropped and replaced.
pub async fn connect(
    url: &str,
    redacted: &str,
    size: usize,
    commit: Commit,
) -> anyhow::Result<DbPool> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    if commit == Commit::Asynchronous {
        config.custom_setup = Box::new(|url| {
            Box::pin(async move {
                let mut conn = AsyncPgConnection::establish(url).await?;
                diesel::sql_query("SET synchronous_commit = off")
                    .execute(&mut conn)
                    .await
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(conn)
            })
        });
    }
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    let pool = Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(POOL_WAIT))
        .create_timeout(Some(POOL_WAIT))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .context("cannot build the database pool")?;
    drop(
        pool.get()
            .await
            .map_err(|err| anyhow!("cannot connect to the database at {redacted}: {err}"))?,
    );
    Ok(pool)
}

/// True when `err` is a unique-constraint violation (a duplicate).
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(
        err,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
