//! `guildhall admin users|communities|federation …`: managing accounts,
//! communities and the federation queues from the command line. Each
//! command prints one line per change (or a table) and fails with one line.

use super::{message, print_queue, read_password};
use crate::services::{AppState, account_admin, community_admin, federation_admin, queue_admin};
use anyhow::bail;
use clap::Subcommand;

/// `guildhall admin users …`
#[derive(Subcommand)]
pub enum Users {
    /// List local accounts.
    List,
    /// Disable an account: it cannot sign in and its sessions end.
    Disable {
        /// Username.
        name: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// Username.
        name: String,
    },
    /// Set a new password (read from standard input); every session ends.
    ResetPassword {
        /// Username.
        name: String,
    },
    /// Make an account an instance admin (or, with --revoke, no longer one).
    MakeAdmin {
        /// Username.
        name: String,
        /// Take the admin role back instead.
        #[arg(long)]
        revoke: bool,
    },
}

/// `guildhall admin communities …`
#[derive(Subcommand)]
pub enum Communities {
    /// List local communities with their moderators and members.
    List,
    /// Hand a community over: the user becomes its only moderator.
    Transfer {
        /// Community name.
        name: String,
        /// Username of the new owner.
        #[arg(long)]
        to: String,
    },
    /// Delete a community with its posts, events and members (local only:
    /// remote followers are not told; its name stays taken).
    Delete {
        /// Community name.
        name: String,
        /// Confirms that everything in it goes.
        #[arg(long)]
        yes: bool,
    },
}

/// `guildhall admin federation …`
#[derive(Subcommand)]
pub enum Federation {
    /// Show the queues and each instance's delivery state.
    Queue,
    /// Send the deliveries waiting for a retry now (to one instance, or all).
    RetryNow {
        /// Host name; all instances when left out.
        domain: Option<String>,
    },
    /// Incoming activities given up after retrying (dead letters).
    #[command(subcommand)]
    DeadLetters(DeadLetters),
}

/// `guildhall admin federation dead-letters …`
#[derive(Subcommand)]
pub enum DeadLetters {
    /// List the most recent dead letters.
    List,
    /// Process dead letters again (one by its activity id, or --all).
    Retry {
        /// The activity's id (URL).
        id: Option<String>,
        /// Every dead letter.
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
}

/// Runs a `users` command.
pub async fn users(state: &AppState, command: Users) -> anyhow::Result<()> {
    match command {
        Users::List => {
            println!("{:<24} {:<6} {:<10} created", "user", "admin", "state");
            for person in account_admin::list_users(state).await.map_err(message)? {
                let shown = if person.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                println!(
                    "{:<24} {:<6} {:<10} {}",
                    person.username.as_deref().unwrap_or("-"),
                    if person.is_admin { "yes" } else { "no" },
                    shown,
                    person.created_at.format("%Y-%m-%d")
                );
            }
        }
        Users::Disable { name } => {
            let ended = account_admin::set_disabled(state, &name, true)
                .await
                .map_err(message)?;
            println!("disabled {name} ({ended} session(s) ended)");
        }
        Users::Enable { name } => {
            account_admin::set_disabled(state, &name, false)
                .await
                .map_err(message)?;
            println!("enabled {name}");
        }
        Users::ResetPassword { name } => {
            let password = read_password()?;
            account_admin::reset_password(state, &name, &password)
                .await
                .map_err(message)?;
            println!("new password set for {name}; every session ended");
        }
        Users::MakeAdmin { name, revoke } => {
            account_admin::set_admin(state, &name, !revoke)
                .await
                .map_err(message)?;
            if revoke {
                println!("{name} is no longer an admin");
            } else {
                println!("{name} is an admin");
            }
        }
    }
    Ok(())
}

/// Runs a `communities` command.
pub async fn communities(state: &AppState, command: Communities) -> anyhow::Result<()> {
    match command {
        Communities::List => {
            println!(
                "{:<24} {:<10} {:>7}  moderators",
                "community", "visibility", "members"
            );
            for summary in community_admin::list_communities(state)
                .await
                .map_err(message)?
            {
                println!(
                    "{:<24} {:<10} {:>7}  {}",
                    summary.row.name,
                    summary.row.visibility.as_str(),
                    summary.members,
                    summary.moderators.join(", ")
                );
            }
        }
        Communities::Transfer { name, to } => {
            community_admin::transfer(state, &name, &to)
                .await
                .map_err(message)?;
            println!("{to} is now the only moderator of {name}");
        }
        Communities::Delete { name, yes } => {
            if !yes {
                bail!("deleting {name} removes its posts, events and members: add --yes");
            }
            let gone = community_admin::delete(state, &name)
                .await
                .map_err(message)?;
            println!("deleted community {} ({})", gone.name, gone.ap_id);
        }
    }
    Ok(())
}

/// Runs a `federation` command.
pub async fn federation(state: &AppState, command: Federation) -> anyhow::Result<()> {
    match command {
        Federation::Queue => print_queue(
            &federation_admin::federation_state(state)
                .await
                .map_err(message)?,
        ),
        Federation::RetryNow { domain } => {
            let due = queue_admin::retry_now(state, domain.as_deref())
                .await
                .map_err(message)?;
            println!("{due} waiting deliveries are due now");
        }
        Federation::DeadLetters(DeadLetters::List) => {
            println!(
                "{:<20} {:<10} {:>8}  activity / error",
                "dead since", "type", "attempts"
            );
            for letter in queue_admin::dead_letters(state).await.map_err(message)? {
                let since = letter.dead_at.map_or_else(
                    || "-".to_string(),
                    |at| at.format("%Y-%m-%d %H:%M").to_string(),
                );
                println!(
                    "{since:<20} {:<10} {:>8}  {}\n{:<40}  {}",
                    letter.kind,
                    letter.attempts,
                    letter.ap_id,
                    "",
                    letter.error.as_deref().unwrap_or("")
                );
            }
        }
        Federation::DeadLetters(DeadLetters::Retry { id, all }) => {
            if id.is_none() && !all {
                bail!("name the activity to retry, or give --all");
            }
            let revived = queue_admin::revive(state, id.as_deref())
                .await
                .map_err(message)?;
            if revived == 0 && id.is_some() {
                bail!("no dead letter with that id");
            }
            println!("{revived} dead letter(s) queued again");
        }
    }
    Ok(())
}
