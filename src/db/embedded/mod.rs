//! The embedded PostgreSQL cluster: when no database is configured and none
//! answers at the default address (or `database_url = "embedded"`), Guildhall
//! runs a private cluster of its own under `data_dir/postgres`, with the
//! system's `initdb` and `pg_ctl`.
//!
//! - The cluster listens on no TCP port: only on a Unix socket inside its
//!   own folder (mode 0700), with trust authentication for that socket and
//!   every TCP connection rejected. Admins reach it with
//!   `psql -h <data_dir>/postgres -U guildhall guildhall`.
//! - It is created on first use, started when it is not running, joined
//!   when it is (an admin command while `serve` runs), and stopped by whoever
//!   started it (and by `serve`, which takes over a cluster left running)
//!   once no other process is connected to it: the last one out stops it.
//! - Run as root, it runs as the `postgres` user (or `nobody`), see `runner`.
//! - Whatever prevents it gets one line saying what to do (`Refusal`).
//!   Nothing is ever deleted: a stale lock, a foreign folder or a cluster of
//!   another major version stays as it is until the admin acts.

mod binaries;
mod choice;
mod refusal;
mod runner;

pub use choice::{Choice, EMBEDDED, LOCAL_SERVER_URL, choose, default_address_answers, locate};
pub use refusal::Refusal;

use binaries::Binaries;
use runner::Runner;
use std::{
    os::unix::{fs::DirBuilderExt, net::UnixStream},
    path::{Path, PathBuf},
    time::Duration,
};

/// The cluster's superuser and database.
const ROLE: &str = "guildhall";
/// The port number only names the socket file (`.s.PGSQL.5432`).
const SOCKET_PORT: u16 = 5432;
/// Longest Unix socket path (`sun_path` holds 108 bytes with the final NUL).
const MAX_SOCKET_PATH: usize = 107;

/// True when PostgreSQL's server programs are installed.
pub fn programs_installed() -> bool {
    !binaries::installed().is_empty()
}

/// A running embedded cluster. Dropping it stops the server if this
/// process is responsible for it.
#[derive(Debug)]
pub struct Cluster {
    dir: PathBuf,
    binaries: Binaries,
    runner: Runner,
    responsible: bool,
}

impl Cluster {
    /// Creates the cluster under `data_dir` if needed and starts it unless it
    /// runs already. Blocking: it runs `initdb` and `pg_ctl`.
    pub fn open(data_dir: &Path) -> Result<Cluster, Refusal> {
        let data_dir = std::path::absolute(data_dir).map_err(|err| failed("data_dir", err))?;
        let dir = data_dir.join("postgres");
        let as_text = dir.to_string_lossy();
        if as_text.contains(['\'', ',', '\\', '"']) {
            return Err(Refusal::UnusablePath { dir });
        }
        let socket = socket_file(&dir);
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(Refusal::PathTooLong { socket });
        }
        let runner = Runner::for_this_process()?;
        let version = read_version(&dir)?;
        let binaries = binaries::choose(version)?;
        let mut cluster = Cluster {
            dir,
            binaries,
            runner,
            responsible: false,
        };
        if version.is_none() {
            cluster.init(&data_dir)?;
        }
        cluster.runner.check_owner(&cluster.dir)?;
        if !cluster.answers() {
            cluster.start()?;
            cluster.responsible = true;
        }
        Ok(cluster)
    }

    /// Makes this process stop the cluster when it ends, even when another
    /// process started it (`serve` takes over a cluster left running).
    pub fn take_responsibility(&mut self) {
        self.responsible = true;
    }

    /// The connection URL: the socket folder as the (percent-encoded) host.
    pub fn database_url(&self) -> String {
        let dir = self.dir.to_string_lossy();
        let host = percent_encoding::utf8_percent_encode(&dir, percent_encoding::NON_ALPHANUMERIC);
        format!("postgres://{ROLE}@{host}:{SOCKET_PORT}/{ROLE}")
    }

    /// The cluster's folder (`data_dir/postgres`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stops the server if this process is responsible for it and no other
    /// process uses it (another `serve` or an admin command keeps it
    /// running; the last one to leave stops it). Close this process's
    /// connections first.
    pub fn release(&mut self) -> Result<(), Refusal> {
        if !std::mem::take(&mut self.responsible) {
            return Ok(());
        }
        // Connections just closed take a moment to leave the server.
        for _ in 0..20 {
            match self.other_sessions() {
                Some(0) | None => return self.stop(),
                Some(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
        tracing::info!(dir = %self.dir.display(), "the embedded PostgreSQL stays up: another process uses it");
        Ok(())
    }

    /// Stops the server now (fast shutdown: open sessions are ended,
    /// nothing committed is lost).
    pub fn stop(&mut self) -> Result<(), Refusal> {
        self.responsible = false;
        let out = self
            .runner
            .command(&self.binaries.program("pg_ctl"))
            .args(["stop", "-m", "fast", "-w", "-t", "60", "-D"])
            .arg(&self.dir)
            .current_dir(&self.dir)
            .output()
            .map_err(|err| self.cannot_run("pg_ctl", err))?;
        if out.status.success() {
            tracing::info!(dir = %self.dir.display(), "stopped the embedded PostgreSQL");
            Ok(())
        } else {
            Err(Refusal::Failed {
                what: format!("pg_ctl stop: {}", last_line(&out.stderr)),
                log: self.log_file(),
            })
        }
    }

    /// Client sessions other than the one asking (`None` when psql fails).
    fn other_sessions(&self) -> Option<u32> {
        let out = self
            .runner
            .command(&self.binaries.program("psql"))
            .args(["-X", "-A", "-t", "-q", "-h"])
            .arg(&self.dir)
            .args([
                "-p",
                &SOCKET_PORT.to_string(),
                "-U",
                ROLE,
                "-d",
                "postgres",
                "-c",
            ])
            .arg(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
            )
            .current_dir(&self.dir)
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }

    fn init(&self, data_dir: &Path) -> Result<(), Refusal> {
        std::fs::create_dir_all(data_dir).map_err(|err| failed("cannot create data_dir", err))?;
        if std::fs::read_dir(&self.dir).is_ok_and(|mut entries| entries.next().is_some()) {
            return Err(Refusal::NotACluster {
                dir: self.dir.clone(),
            });
        }
        if !self.dir.exists() {
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(&self.dir)
                .map_err(|err| failed("cannot create the cluster folder", err))?;
            self.runner
                .take(&self.dir)
                .map_err(|err| failed("cannot hand the cluster folder over", err))?;
        }
        self.runner.check_owner(&self.dir)?;
        tracing::info!(dir = %self.dir.display(), user = %self.runner.name, "creating the embedded PostgreSQL cluster");
        let out = self
            .runner
            .command(&self.binaries.program("initdb"))
            .args(["-U", ROLE, "-E", "UTF8", "--no-locale"])
            .args(["--auth-local=trust", "--auth-host=reject", "-D"])
            .arg(&self.dir)
            .current_dir(&self.dir)
            .output()
            .map_err(|err| self.cannot_run("initdb", err))?;
        if out.status.success() {
            Ok(())
        } else if String::from_utf8_lossy(&out.stderr).contains("Permission denied") {
            Err(self.unreachable())
        } else {
            Err(Refusal::Failed {
                what: format!("initdb: {}", last_line(&out.stderr)),
                log: PathBuf::new(),
            })
        }
    }

    fn start(&self) -> Result<(), Refusal> {
        let pid_file = self.dir.join("postmaster.pid");
        if let Some(pid) = read_pid(&pid_file)
            && runner::process_alive(pid)
        {
            return Err(Refusal::StaleLock { pid_file, pid });
        }
        let log = self.log_file();
        let seen = std::fs::metadata(&log).map_or(0, |meta| meta.len());
        // No JIT: it needs writable code pages, which hardened units forbid
        // (`MemoryDenyWriteExecute`), and our queries are small.
        let options = format!(
            "-c listen_addresses='' -c port={SOCKET_PORT} -c unix_socket_directories='{}' -c jit=off",
            self.dir.display()
        );
        let out = self
            .runner
            .command(&self.binaries.program("pg_ctl"))
            .args(["start", "-w", "-t", "60", "-o", &options, "-l"])
            .arg(&log)
            .arg("-D")
            .arg(&self.dir)
            .current_dir(&self.dir)
            .output()
            .map_err(|err| self.cannot_run("pg_ctl", err))?;
        if out.status.success() && self.answers() {
            tracing::info!(dir = %self.dir.display(), "started the embedded PostgreSQL");
            return Ok(());
        }
        let said = std::fs::read(&log)
            .map(|bytes| {
                String::from_utf8_lossy(&bytes[(seen as usize).min(bytes.len())..]).into_owned()
            })
            .unwrap_or_default();
        Err(self.explain(&said, &out.stderr))
    }

    /// Why `program` could not even start (as root, switching to the
    /// cluster's user fails when that user may not enter the folder).
    fn cannot_run(&self, program: &str, err: std::io::Error) -> Refusal {
        if err.kind() == std::io::ErrorKind::PermissionDenied {
            self.unreachable()
        } else {
            failed(&format!("cannot run {program}"), err)
        }
    }

    fn unreachable(&self) -> Refusal {
        Refusal::Unreachable {
            dir: self.dir.clone(),
            runner: self.runner.name.clone(),
        }
    }

    /// Turns the server's complaint into a refusal.
    fn explain(&self, log: &str, stderr: &[u8]) -> Refusal {
        if String::from_utf8_lossy(stderr).contains("Permission denied")
            || log.contains("Permission denied")
        {
            return self.unreachable();
        }
        if log.contains("lock file \"postmaster.pid\" already exists") {
            let pid_file = self.dir.join("postmaster.pid");
            let pid = read_pid(&pid_file).unwrap_or_default();
            return Refusal::StaleLock { pid_file, pid };
        }
        if (log.contains(".s.PGSQL") && log.contains("lock file"))
            || log.contains("Address already in use")
        {
            return Refusal::PortTaken {
                socket: socket_file(&self.dir),
            };
        }
        let fatal = log
            .lines()
            .rev()
            .find(|line| line.contains("FATAL") || line.contains("ERROR"))
            .map(str::to_string)
            .unwrap_or_else(|| last_line(stderr));
        Refusal::Failed {
            what: fatal,
            log: self.log_file(),
        }
    }

    /// True when the server accepts connections on its socket.
    fn answers(&self) -> bool {
        UnixStream::connect(socket_file(&self.dir)).is_ok()
    }

    fn log_file(&self) -> PathBuf {
        self.dir.join("server.log")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(err) = self.release() {
            tracing::warn!("{err}");
        }
    }
}

/// The major version in `PG_VERSION`, or `None` for a folder with no cluster.
fn read_version(dir: &Path) -> Result<Option<u32>, Refusal> {
    match std::fs::read_to_string(dir.join("PG_VERSION")) {
        Ok(text) => text
            .trim()
            .split('.')
            .next()
            .and_then(|major| major.parse().ok())
            .map(Some)
            .ok_or_else(|| Refusal::NotACluster {
                dir: dir.to_path_buf(),
            }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(failed("cannot read PG_VERSION", err)),
    }
}

/// The process id on the first line of `postmaster.pid`.
fn read_pid(pid_file: &Path) -> Option<i32> {
    std::fs::read_to_string(pid_file)
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

fn socket_file(dir: &Path) -> PathBuf {
    dir.join(format!(".s.PGSQL.{SOCKET_PORT}"))
}

fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("no output")
        .trim()
        .to_string()
}

fn failed(what: &str, err: std::io::Error) -> Refusal {
    Refusal::Failed {
        what: format!("{what}: {err}"),
        log: PathBuf::new(),
    }
}
