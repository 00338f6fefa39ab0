//! Why the embedded cluster cannot start, each reason as one line that says
//! what to do. Nothing is ever deleted on the admin's behalf.

use std::{fmt, path::PathBuf};

/// A reason the embedded PostgreSQL cluster cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Neither `PATH` nor `/usr/lib/postgresql/*/bin` has `initdb` and `pg_ctl`.
    NoBinaries,
    /// The cluster was made by another major version than the installed ones.
    OtherVersion { cluster: u32, installed: Vec<u32> },
    /// The cluster directory belongs to a user other than the one who runs it.
    OwnedByOther {
        dir: PathBuf,
        owner: u32,
        runner: String,
    },
    /// `postmaster.pid` names a live process, but no server answers.
    StaleLock { pid_file: PathBuf, pid: i32 },
    /// Another server holds the socket (the "port") the cluster listens on.
    PortTaken { socket: PathBuf },
    /// The user who runs the cluster cannot enter a folder on its path.
    Unreachable { dir: PathBuf, runner: String },
    /// The folder exists, is not empty, and holds no cluster.
    NotACluster { dir: PathBuf },
    /// The socket path is longer than the system allows.
    PathTooLong { socket: PathBuf },
    /// Characters the server's command line cannot carry safely.
    UnusablePath { dir: PathBuf },
    /// As root, no unprivileged user to run the cluster as.
    NoServiceUser,
    /// Anything else; the server's own words and where its log is.
    Failed { what: String, log: PathBuf },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoBinaries => write!(
                f,
                "no PostgreSQL server programs (initdb, pg_ctl) found on PATH or in \
                 /usr/lib/postgresql/*/bin: install PostgreSQL (Debian/Ubuntu: \
                 `apt-get install postgresql`), or set database_url to a server you run"
            ),
            Refusal::OtherVersion { cluster, installed } => write!(
                f,
                "the embedded cluster was made by PostgreSQL {cluster}, but only {} is \
                 installed: install PostgreSQL {cluster} again (Debian: \
                 `apt-get install postgresql-{cluster}`) or upgrade the cluster with \
                 pg_upgrade (deploy/README.md, \"Upgrades\")",
                installed
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Refusal::OwnedByOther { dir, owner, runner } => write!(
                f,
                "{} belongs to user id {owner}, but the embedded cluster runs as {runner}: \
                 run guildhall as that user, or give the folder to {runner} \
                 (`chown -R {runner} {}`)",
                dir.display(),
                dir.display()
            ),
            Refusal::StaleLock { pid_file, pid } => write!(
                f,
                "{} names process {pid}, which is running but is not an answering \
                 PostgreSQL: stop that server, or if process {pid} is not PostgreSQL \
                 (a stale lock after a crash), remove {} and start again",
                pid_file.display(),
                pid_file.display()
            ),
            Refusal::PortTaken { socket } => write!(
                f,
                "another PostgreSQL server already listens on {}: stop it, or give \
                 guildhall another data_dir",
                socket.display()
            ),
            Refusal::Unreachable { dir, runner } => write!(
                f,
                "the embedded cluster runs as {runner}, who may not enter {} or a folder \
                 above it (permission denied): set data_dir to a place {runner} can reach, \
                 such as /var/lib/guildhall/data",
                dir.display()
            ),
            Refusal::NotACluster { dir } => write!(
                f,
                "{} is not empty and holds no PostgreSQL cluster (no PG_VERSION): move \
                 it away or set data_dir to another folder",
                dir.display()
            ),
            Refusal::PathTooLong { socket } => write!(
                f,
                "the embedded cluster's socket path {} is too long for a Unix socket \
                 (107 bytes at most): set data_dir to a shorter path",
                socket.display()
            ),
            Refusal::UnusablePath { dir } => write!(
                f,
                "data_dir {} contains a quote, comma or backslash, which PostgreSQL's \
                 command line cannot carry: choose a plainer path",
                dir.display()
            ),
            Refusal::NoServiceUser => write!(
                f,
                "running as root, but there is no `postgres` or `nobody` user to run the \
                 embedded cluster as: create a `postgres` user or run guildhall as a \
                 normal user"
            ),
            Refusal::Failed { what, log } => {
                write!(f, "the embedded PostgreSQL failed: {what}")?;
                if !log.as_os_str().is_empty() {
                    write!(f, " (its log: {})", log.display())?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Refusal {}
