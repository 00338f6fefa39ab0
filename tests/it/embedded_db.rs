//! The embedded PostgreSQL cluster: created from an empty data directory,
//! reused on the next start, stopped on shutdown, and refused with one
//! clear line (and nothing deleted) when something is in the way. Each test
//! skips with a message where no PostgreSQL programs are installed.

use crate::process::{ServerProcess, free_port};
use guildhall::{
    db::embedded::{Choice, Cluster, Refusal, choose},
    settings::Settings,
    startup::Application,
};
use std::path::{Path, PathBuf};

/// A fresh temporary folder, removed (with whatever a test left) on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "gh-{label}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// False (with a message) where no PostgreSQL server programs are installed.
fn programs_installed() -> bool {
    if guildhall::db::embedded::programs_installed() {
        return true;
    }
    eprintln!("skipped: no PostgreSQL programs (initdb, pg_ctl); install Debian's `postgresql`");
    false
}

fn running_as_root() -> bool {
    nix::unistd::geteuid().is_root()
}

#[test]
fn an_empty_setting_means_the_local_server_when_it_answers_and_the_embedded_cluster_otherwise() {
    let local = guildhall::db::embedded::LOCAL_SERVER_URL.to_string();
    assert_eq!(choose("", || true), Choice::Server(local));
    assert_eq!(choose("", || false), Choice::Embedded);
    assert_eq!(choose("embedded", || true), Choice::Embedded);
    let configured = "postgres://guildhall@db.internal/guildhall";
    let mut asked = false;
    assert_eq!(
        choose(configured, || {
            asked = true;
            false
        }),
        Choice::Server(configured.to_string()),
        "a configured server is never replaced"
    );
    assert!(!asked, "a configured server is not even probed");
    assert_eq!(Settings::default().database_url, "");
    assert_eq!(Settings::default().data_dir, "./data");
}

#[tokio::test]
async fn serve_creates_its_own_cluster_and_a_community_survives_a_restart() {
    if !programs_installed() {
        return;
    }
    guildhall::startup::install_crypto_provider();
    let scratch = Scratch::new("serve");
    let data_dir = scratch.0.join("data");
    let data_dir_text = data_dir.to_string_lossy().to_string();
    let port = free_port();
    let mut server = ServerProcess::start_with(
        &format!("localhost:{port}"),
        port,
        "embedded",
        &[("GUILDHALL_DATA_DIR", &data_dir_text)],
    )
    .await;
    let cluster_dir = data_dir.join("postgres");
    assert!(
        cluster_dir.join("PG_VERSION").is_file(),
        "a cluster was made"
    );
    let ready = reqwest::get(server.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);

    // An admin command while the server runs uses the same cluster.
    server
        .cli(
            &["admin", "create-user", "alice", "--admin"],
            "a long password\n",
        )
        .await;
    let token = server
        .anonymous()
        .sign_in("alice", "a long password")
        .await
        .expect("sign in")
        .token;
    server
        .api(&token)
        .create_community(&crate::client::named("secguild"))
        .await
        .expect("create a community");

    assert!(server.terminate().await, "serve exits cleanly on SIGTERM");
    assert!(
        !cluster_dir.join("postmaster.pid").exists(),
        "the cluster was stopped with the server"
    );

    server.restart().await;
    let found = server.anonymous().community("secguild").await;
    assert_eq!(found.expect("still there").name, "secguild");
    assert!(server.terminate().await);
    assert!(!cluster_dir.join("postmaster.pid").exists());
}

#[tokio::test]
async fn readyz_turns_unready_when_the_database_stops_and_ready_when_it_returns() {
    if !programs_installed() {
        return;
    }
    let scratch = Scratch::new("ready");
    let data_dir = scratch.0.clone();
    let mut cluster = open(&data_dir).await.expect("start a cluster");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let settings = Settings {
        bind: format!("127.0.0.1:{port}"),
        domain: format!("localhost:{port}"),
        database_url: cluster.database_url(),
        database_pool_size: 2,
        worker_pool_size: 2,
        ..Settings::default()
    };
    let app = Application::build_on(settings, listener).await.unwrap();
    let server = tokio::spawn(app.run_until_stopped());
    let readyz = format!("http://127.0.0.1:{port}/readyz");
    let client = reqwest::Client::new();
    let status = |res: reqwest::Response| res.status().as_u16();
    assert_eq!(status(client.get(&readyz).send().await.unwrap()), 200);

    tokio::task::spawn_blocking(move || {
        cluster.stop().unwrap();
        cluster
    })
    .await
    .unwrap();
    let res = client.get(&readyz).send().await.unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["message"], "database unreachable");
    let healthz = format!("http://127.0.0.1:{port}/healthz");
    assert_eq!(status(client.get(&healthz).send().await.unwrap()), 200);

    let cluster = open(&data_dir).await.expect("start the cluster again");
    assert_eq!(status(client.get(&readyz).send().await.unwrap()), 200);
    server.abort();
    drop(cluster);
}

#[tokio::test]
async fn the_cluster_stays_up_while_another_process_uses_it() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    if !programs_installed() {
        return;
    }
    let scratch = Scratch::new("shared");
    let cluster = open(&scratch.0).await.expect("start a cluster");
    let url = cluster.database_url();
    let url = format!("{}/postgres", url.rsplit_once('/').unwrap().0);
    let mut other = AsyncPgConnection::establish(&url).await.unwrap();
    let mut cluster = tokio::task::spawn_blocking(move || {
        let mut cluster = cluster;
        cluster.release().unwrap();
        cluster
    })
    .await
    .unwrap();
    diesel::sql_query("SELECT 1")
        .execute(&mut other)
        .await
        .expect("still served after the starter let go");
    drop(other);
    tokio::task::spawn_blocking(move || cluster.stop().unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn each_obstacle_gets_one_clear_line_and_nothing_is_deleted() {
    if !programs_installed() {
        return;
    }
    let scratch = Scratch::new("refuse");
    let data_dir = scratch.0.clone();
    let cluster_dir = data_dir.join("postgres");
    drop(open(&data_dir).await.expect("a first cluster"));
    assert!(
        !cluster_dir.join("postmaster.pid").exists(),
        "stopped on drop"
    );

    // A process of the cluster's user that is no PostgreSQL (PostgreSQL
    // itself ignores locks naming other users' processes).
    let mut bystander = bystander();
    let pid = bystander.id();

    // A lock left by a process that is alive but is no PostgreSQL.
    let pid_file = cluster_dir.join("postmaster.pid");
    std::fs::write(&pid_file, format!("{pid}\n")).unwrap();
    let refusal = open(&data_dir).await.unwrap_err();
    assert!(matches!(refusal, Refusal::StaleLock { .. }), "{refusal}");
    assert!(refusal.to_string().contains("postmaster.pid"), "{refusal}");
    assert!(pid_file.exists(), "the lock is left to the admin");
    std::fs::remove_file(&pid_file).unwrap();

    // Another server's lock on the socket (the "port") the cluster uses.
    let socket_lock = cluster_dir.join(".s.PGSQL.5432.lock");
    std::fs::write(&socket_lock, format!("{pid}\n")).unwrap();
    let refusal = open(&data_dir).await.unwrap_err();
    assert!(matches!(refusal, Refusal::PortTaken { .. }), "{refusal}");
    assert!(socket_lock.exists());
    std::fs::remove_file(&socket_lock).unwrap();
    let _ = bystander.kill();
    let _ = bystander.wait();

    // A cluster of a major version that is not installed.
    let version_file = cluster_dir.join("PG_VERSION");
    let version = std::fs::read_to_string(&version_file).unwrap();
    std::fs::write(&version_file, "9\n").unwrap();
    let refusal = open(&data_dir).await.unwrap_err();
    assert!(
        matches!(refusal, Refusal::OtherVersion { cluster: 9, .. }),
        "{refusal}"
    );
    assert!(refusal.to_string().contains("pg_upgrade"), "{refusal}");
    std::fs::write(&version_file, version).unwrap();

    // After all that, the cluster starts as before.
    drop(open(&data_dir).await.expect("the cluster starts again"));

    // A folder that is not a cluster.
    let other = scratch.0.join("other");
    std::fs::create_dir_all(other.join("postgres")).unwrap();
    std::fs::write(other.join("postgres/notes.txt"), "mine").unwrap();
    let refusal = open(&other).await.unwrap_err();
    assert!(matches!(refusal, Refusal::NotACluster { .. }), "{refusal}");
    assert!(other.join("postgres/notes.txt").exists());

    // A folder that belongs to someone else (root's, when root runs the
    // cluster as the `postgres` user).
    if running_as_root() {
        let foreign = scratch.0.join("foreign");
        std::fs::create_dir_all(foreign.join("postgres")).unwrap();
        let refusal = open(&foreign).await.unwrap_err();
        assert!(matches!(refusal, Refusal::OwnedByOther { .. }), "{refusal}");
        assert!(refusal.to_string().contains("chown"), "{refusal}");

        // A data directory below a folder only root may enter.
        let locked = scratch.0.join("locked");
        std::fs::create_dir_all(&locked).unwrap();
        std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        let refusal = open(&locked.join("data")).await.unwrap_err();
        assert!(matches!(refusal, Refusal::Unreachable { .. }), "{refusal}");
        assert!(refusal.to_string().contains("data_dir"), "{refusal}");
    } else {
        eprintln!("skipped the foreign-owner case: it needs root to make such a folder");
    }
}

#[test]
fn the_missing_programs_message_says_what_to_install() {
    let line = Refusal::NoBinaries.to_string();
    assert!(line.contains("apt-get install postgresql"), "{line}");
    assert!(!line.contains('\n'));
}

/// A sleeping process of the user the cluster runs as (`postgres` or
/// `nobody` under root, otherwise ourselves).
fn bystander() -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let mut sleep = std::process::Command::new("sleep");
    sleep.arg("60");
    if running_as_root() {
        let user = ["postgres", "nobody"]
            .into_iter()
            .find_map(|name| nix::unistd::User::from_name(name).ok().flatten())
            .expect("a user to run the cluster as");
        sleep.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    sleep.spawn().expect("start sleep")
}

/// Opens the cluster under `data_dir` on a blocking thread.
async fn open(data_dir: &Path) -> Result<Cluster, Refusal> {
    let data_dir = data_dir.to_path_buf();
    tokio::task::spawn_blocking(move || Cluster::open(&data_dir))
        .await
        .unwrap()
}
