//! Guildhall as a separate process (the real binary), for tests that kill
//! and restart servers.

use std::process::Stdio;
use tokio::process::{Child, Command};

/// A `guildhall serve` process in dev mode as `<name>.test:<port>`.
pub struct ServerProcess {
    pub port: u16,
    pub domain: String,
    db_url: String,
    /// More environment variables for every command.
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl ServerProcess {
    /// Starts a server on `port` over `db_url` and waits until it answers.
    pub async fn start(name: &str, port: u16, db_url: &str) -> ServerProcess {
        Self::start_as(&format!("{name}.test:{port}"), port, db_url).await
    }

    /// Starts a server on `port` that calls itself `domain` (several
    /// processes of one instance share a domain and a database).
    pub async fn start_as(domain: &str, port: u16, db_url: &str) -> ServerProcess {
        Self::start_with(domain, port, db_url, &[]).await
    }

    /// Like [`ServerProcess::start_as`], with more `GUILDHALL_*` variables.
    pub async fn start_with(
        domain: &str,
        port: u16,
        db_url: &str,
        env: &[(&str, &str)],
    ) -> ServerProcess {
        let mut server = ServerProcess {
            port,
            domain: domain.to_string(),
            db_url: db_url.to_string(),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            child: None,
        };
        server.restart().await;
        server
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_guildhall"));
        cmd.args(args)
            .env_remove("DATABASE_URL")
            .env("GUILDHALL_DATABASE_URL", &self.db_url)
            .env("GUILDHALL_DEV", "1")
            .env("GUILDHALL_FAST_QUEUE", "1")
            .env("GUILDHALL_BIND", format!("127.0.0.1:{}", self.port))
            .env("GUILDHALL_DOMAIN", &self.domain)
            .env("GUILDHALL_LOG", "warn")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .kill_on_drop(true);
        cmd
    }

    /// (Re)starts the process and waits for `/healthz`.
    pub async fn restart(&mut self) {
        let child = self
            .command(&["serve"])
            .stdout(Stdio::null())
            .spawn()
            .expect("start guildhall");
        self.child = Some(child);
        let client = reqwest::Client::new();
        // Up to 60 s: a first start may create a whole database cluster.
        for _ in 0..1200 {
            if client
                .get(self.url("/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{} did not start", self.domain);
    }

    /// The running process's id.
    pub fn pid(&self) -> u32 {
        self.child
            .as_ref()
            .and_then(Child::id)
            .expect("a running process")
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    /// Stops the process as an init system would (SIGTERM) and waits for
    /// it to exit; true when it exited successfully.
    pub async fn terminate(&mut self) -> bool {
        let Some(mut child) = self.child.take() else {
            return true;
        };
        let pid = child.id().expect("a running process") as i32;
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        )
        .expect("send SIGTERM");
        child.wait().await.is_ok_and(|status| status.success())
    }

    /// Runs a CLI command against this server's database; stdin is `input`.
    pub async fn cli(&self, args: &[&str], input: &str) {
        use tokio::io::AsyncWriteExt;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .await
            .unwrap();
        assert!(
            child.wait().await.unwrap().success(),
            "guildhall {args:?} failed"
        );
    }

    /// The loopback URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
