//! The `guildhall` command line: `serve`, `migrate`, `admin …` and
//! `config-example`. Errors print one clear line and exit non-zero.

mod manage;

use crate::{
    db,
    federation::{self, context::Federation},
    services::{
        account,
        community::{self, NewCommunityInput},
        federation_admin,
    },
    settings::Settings,
    startup::Application,
};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use std::{io::Read, path::PathBuf, process::ExitCode};

/// Guildhall: a federated server for communities of practice.
#[derive(Parser)]
#[command(name = "guildhall", version, about)]
struct Cli {
    /// TOML configuration file (settings can also come from GUILDHALL_* variables).
    #[arg(long, global = true, env = "GUILDHALL_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (creates and migrates the database first).
    Serve,
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Administration tasks.
    #[command(subcommand)]
    Admin(Admin),
    /// Print the example configuration file with every setting and its default.
    ConfigExample,
    /// Print the configuration reference (docs/CONFIGURATION.md).
    ConfigReference,
}

#[derive(Subcommand)]
enum Admin {
    /// Create a local user; the password is read from standard input.
    CreateUser {
        /// Username (lower-case letters, digits, `_`, `-`).
        name: String,
        /// Make the user an instance admin.
        #[arg(long)]
        admin: bool,
    },
    /// Create a community owned (and moderated) by an existing user.
    CreateCommunity {
        /// Community name (its handle).
        name: String,
        /// Username of the owner.
        #[arg(long)]
        owner: String,
        /// Display title (defaults to the name).
        #[arg(long)]
        title: Option<String>,
    },
    /// Block an instance: nothing is received from or sent to it.
    Block {
        /// Host name, e.g. spam.example.
        domain: String,
    },
    /// Lift a block.
    Allow {
        /// Host name.
        domain: String,
    },
    /// Manage partner instances (with `allowlist_only`, the only ones federated with).
    #[command(subcommand)]
    Partner(Partner),
    /// Show the delivery queue and each instance's delivery state.
    Queue,
    /// Local accounts: list, disable, enable, reset-password, make-admin.
    #[command(subcommand)]
    Users(manage::Users),
    /// Local communities: list, transfer.
    #[command(subcommand)]
    Communities(manage::Communities),
    /// The federation queues: queue, retry-now, dead-letters.
    #[command(subcommand)]
    Federation(manage::Federation),
}

#[derive(Subcommand)]
enum Partner {
    /// Add a partner instance: our instance actor follows its instance
    /// actor, and its listed communities enter our directory.
    Add {
        /// Host name (with `:port` when it is not the scheme's default).
        domain: String,
    },
    /// Remove a partner instance: undo the follow, drop its communities
    /// from our directory.
    Remove {
        /// Host name.
        domain: String,
    },
}

/// Parses the command line, runs the command, and maps failure to exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = Settings::load(cli.config.as_deref()).and_then(|settings| {
        init_logging(&settings.log);
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .on_thread_start(yield_to_requests)
            .build()
            .context("cannot start the async runtime")?
            .block_on(run(cli.command, settings))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The runtime's threads run the queue workers (processing, delivery) and
/// the chores; actix's request threads are started from the main thread and
/// keep the normal priority. Under a full CPU, answering a request comes
/// first and the background work takes what is left: nice 5 gives these
/// threads a third of a request thread's share, never nothing.
fn yield_to_requests() {
    use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};
    // The crate's portable 0-99 scale: 35 is nice 5 for Linux's normal policy.
    if let Ok(priority) = ThreadPriorityValue::try_from(35u8) {
        let _ = set_current_thread_priority(ThreadPriority::Crossplatform(priority));
    }
}

/// Logs go to standard error: readable text on a terminal, one JSON object
/// per line when standard output or standard error is not a terminal (under
/// systemd, Docker, or redirected to a file).
fn init_logging(filter: &str) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if std::io::stdout().is_terminal() && std::io::stderr().is_terminal() {
        logs.try_init()
    } else {
        logs.json().try_init()
    };
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let app = Application::build(settings.clone()).await?;
            tracing::info!(
                "Guildhall listening on http://{} as {}",
                settings.bind,
                settings.base_url()
            );
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let mut settings = settings;
            let (url, _cluster) = db::embedded::locate(&settings).await?;
            settings.database_url = url;
            let redacted = settings.database_url_redacted();
            db::create_database_if_missing(&settings.database_url, &redacted).await?;
            let applied = db::run_migrations(&settings.database_url, &redacted).await?;
            println!("applied {} migration(s)", applied.len());
        }
        Command::Admin(admin) => run_admin(admin, settings).await?,
        Command::ConfigExample => print!("{}", Settings::example_toml()),
        Command::ConfigReference => print!("{}", Settings::reference_markdown()),
    }
    Ok(())
}

async fn run_admin(admin: Admin, mut settings: Settings) -> anyhow::Result<()> {
    // Uses the embedded cluster while it runs, or runs it for this command.
    let (url, _cluster) = db::embedded::locate(&settings).await?;
    settings.database_url = url;
    let redacted = settings.database_url_redacted();
    db::create_database_if_missing(&settings.database_url, &redacted).await?;
    db::run_migrations(&settings.database_url, &redacted).await?;
    let pool = db::connect(&settings.database_url, &redacted, 2, db::Commit::Durable).await?;
    let state = crate::startup::app_state(settings, pool);
    match admin {
        Admin::CreateUser { name, admin } => {
            let password = read_password()?;
            let person = account::create_user(&state, &name, &password, admin)
                .await
                .map_err(message)?;
            println!("created user {} ({})", person.handle(), person.ap_id);
        }
        Admin::CreateCommunity { name, owner, title } => {
            let mut conn = state.pool.get().await?;
            let owner_row = db::person::find_local(&mut conn, &owner)
                .await?
                .with_context(|| format!("no local user named `{owner}`"))?;
            drop(conn);
            let view = community::create_community(
                &state,
                &owner_row,
                NewCommunityInput {
                    name,
                    title,
                    ..Default::default()
                },
            )
            .await
            .map_err(message)?;
            println!("created community {} ({})", view.row.name, view.row.ap_id);
        }
        Admin::Block { domain } => {
            let domain = federation_admin::set_blocked(&state, &domain, true)
                .await
                .map_err(message)?;
            println!("blocked {domain}");
        }
        Admin::Allow { domain } => {
            let domain = federation_admin::set_blocked(&state, &domain, false)
                .await
                .map_err(message)?;
            println!("unblocked {domain}");
        }
        Admin::Partner(Partner::Add { domain }) => {
            let fed = federation_context(&state)?;
            let link = federation::partner::link(&fed, &domain)
                .await
                .map_err(message)?;
            println!(
                "added partner {} (our follow of its instance actor: {})",
                link.domain, link.following
            );
        }
        Admin::Partner(Partner::Remove { domain }) => {
            let fed = federation_context(&state)?;
            let link = federation::partner::unlink(&fed, &domain)
                .await
                .map_err(message)?;
            println!("removed partner {}", link.domain);
        }
        Admin::Users(command) => manage::users(&state, command).await?,
        Admin::Communities(command) => manage::communities(&state, command).await?,
        Admin::Federation(command) => manage::federation(&state, command).await?,
        Admin::Queue => print_queue(
            &federation_admin::federation_state(&state)
                .await
                .map_err(message)?,
        ),
    }
    Ok(())
}

/// The federation context the partner commands fetch and queue with.
fn federation_context(state: &crate::services::AppState) -> anyhow::Result<Federation> {
    crate::startup::install_crypto_provider();
    Federation::new(state.clone())
}

/// A password from standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        bail!("no password given on standard input");
    }
    Ok(password.to_string())
}

fn message(err: crate::error::AppError) -> anyhow::Error {
    anyhow::anyhow!(err.message)
}

fn print_queue(state: &federation_admin::FederationState) {
    println!(
        "mode: {}   deliveries pending: {}   incoming pending: {}   incoming dead: {}",
        state.mode, state.deliveries_pending, state.incoming_pending, state.incoming_dead
    );
    println!(
        "{:<32} {:<8} {:<10} {:>8} {:>10} {:>7}  last error",
        "instance", "policy", "software", "pending", "delivered", "failed"
    );
    for i in &state.instances {
        println!(
            "{:<32} {:<8} {:<10} {:>8} {:>10} {:>7}  {}",
            i.domain,
            i.policy,
            i.software.as_deref().unwrap_or("-"),
            i.pending_deliveries,
            i.delivered,
            i.failed,
            i.last_error.as_deref().unwrap_or("")
        );
    }
}
