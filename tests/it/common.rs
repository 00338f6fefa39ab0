//! Test harness: each test gets its own database, cloned from a migrated
//! template, and a real server on a free loopback port, booted exactly as
//! `guildhall serve` boots. The database is dropped when the test ends,
//! even when it panics.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use guildhall::{
    domain::charter::{Charter, ContentLink, Practice, Stage},
    settings::Settings,
    startup::Application,
};
use serde_json::Value;
use std::{net::TcpListener, path::Path};
use tokio::sync::OnceCell;

/// The PostgreSQL server tests use (no database name).
pub fn server_url() -> String {
    std::env::var("GUILDHALL_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Name of the migrated template database; built once per migration set.
async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("guildhall_tpl_{:016x}", migrations_hash());
            let mut admin = AsyncPgConnection::establish(&format!("{}/postgres", server_url()))
                .await
                .expect("connect to PostgreSQL for tests");
            diesel::sql_query("SELECT pg_advisory_lock(727001)")
                .execute(&mut admin)
                .await
                .unwrap();
            if !database_exists(&mut admin, &name).await {
                let building = format!("{name}_building");
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                diesel::sql_query(format!("CREATE DATABASE {building}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                let url = format!("{}/{building}", server_url());
                guildhall::db::run_migrations(&url, &url)
                    .await
                    .expect("migrate template");
                diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
            }
            diesel::sql_query("SELECT pg_advisory_unlock(727001)")
                .execute(&mut admin)
                .await
                .unwrap();
            name
        })
        .await
        .clone()
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> bool {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let count: Count =
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(name)
            .get_result(conn)
            .await
            .unwrap();
    count.n > 0
}

fn migrations_hash() -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(&file).unwrap().hash(&mut hasher);
    }
    hasher.finish()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A fresh database that is dropped with this guard.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// Clones the migrated template into a new database.
    pub async fn create() -> TestDb {
        guildhall::startup::install_crypto_provider();
        let template = template().await;
        let name = format!("guildhall_test_{}", random_suffix());
        let mut admin = AsyncPgConnection::establish(&format!("{}/postgres", server_url()))
            .await
            .unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(&mut admin)
            .await
            .expect("clone template database");
        let url = format!("{}/{name}", server_url());
        TestDb { name, url }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // A new thread with its own runtime: Drop may run inside (or after) the test's runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut admin) =
                    AsyncPgConnection::establish(&format!("{}/postgres", server_url())).await
                {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin)
                            .await;
                }
            });
        })
        .join();
    }
}

fn random_suffix() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| char::from(b'a' + rng.gen_range(0..26)))
        .collect()
}

/// A running instance with its own database. When the test ends, it checks
/// that no work was left behind: no incoming activity unprocessed or
/// dead-lettered, no delivery still queued (a test settles before it ends).
pub struct TestApp {
    pub port: u16,
    pub base: String,
    pub domain: String,
    /// The test's own connection to the database, opened on first use
    /// (closed before the database is dropped).
    conn: tokio::sync::Mutex<Option<AsyncPgConnection>>,
    pub db: TestDb,
    pub client: reqwest::Client,
    pub settings: Settings,
}

impl TestApp {
    /// Starts an instance on a free port, with `localhost:<port>` as its domain.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts an instance in dev mode named `<name>.test:<port>` with a fast
    /// queue, for federation tests (`.test` names resolve to loopback).
    pub async fn spawn_named(name: &str) -> TestApp {
        Self::spawn_named_with(name, |_| {}).await
    }

    /// Like [`TestApp::spawn_named`], after `adjust` changed the settings.
    pub async fn spawn_named_with(name: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let name = name.to_string();
        Self::spawn_with(move |s| {
            s.dev = true;
            s.fast_queue = true;
            s.domain = format!(
                "{name}.test:{}",
                s.bind.rsplit(':').next().unwrap_or_default()
            );
            adjust(s);
        })
        .await
    }

    /// Starts an instance after `adjust` changed its settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .try_init();
        let db = TestDb::create().await;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut settings = Settings {
            bind: format!("127.0.0.1:{port}"),
            domain: format!("localhost:{port}"),
            database_url: db.url.clone(),
            database_pool_size: 4,
            worker_pool_size: 4,
            ..Settings::default()
        };
        adjust(&mut settings);
        let app = Application::build_on(settings.clone(), listener)
            .await
            .expect("build app");
        tokio::spawn(app.run_until_stopped());
        TestApp {
            port,
            base: format!("{}://{}", settings.scheme(), settings.domain),
            domain: settings.domain.clone(),
            conn: Default::default(),
            db,
            client: reqwest::Client::new(),
            settings,
        }
    }

    /// Starts another server process of this instance, on the same
    /// database and host name, and returns the loopback base URL it
    /// answers on (two processes racing for the same work).
    pub async fn another_process(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = Application::build_on(self.settings.clone(), listener)
            .await
            .expect("build the second process");
        tokio::spawn(app.run_until_stopped());
        format!("http://127.0.0.1:{port}")
    }

    /// The URL of `path` on this instance (loopback address).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Creates a user through the service layer and returns a bearer token.
    pub async fn user(&self, name: &str, admin: bool) -> String {
        let state = self.state().await;
        guildhall::services::account::create_user(&state, name, "correct horse battery", admin)
            .await
            .expect("create user");
        self.anonymous()
            .sign_in(name, "correct horse battery")
            .await
            .expect("sign in")
            .token
    }

    /// Creates the community `name` as the owner of `token`, with its
    /// milestone posts switched off, so a test sees only the posts it
    /// makes (`tests/it/kudos.rs` celebrates with [`TestApp::celebrating_community`]).
    pub async fn community(&self, token: &str, name: &str) {
        self.celebrating_community(token, name).await;
        self.api(token)
            .update_community(name, &no_milestones())
            .await
            .unwrap_or_else(|e| panic!("switch milestones off in {name}: {e:?}"));
    }

    /// Creates the community `name` as the owner of `token`, celebrating
    /// its milestones with posts (the default).
    pub async fn celebrating_community(&self, token: &str, name: &str) {
        self.api(token)
            .create_community(&crate::client::named(name))
            .await
            .unwrap_or_else(|e| panic!("create community {name}: {e:?}"));
    }

    /// The row of the local person `name` (for direct service calls).
    pub async fn person_row(&self, name: &str) -> guildhall::db::person::PersonRow {
        let state = self.state().await;
        let mut conn = state.pool.get().await.unwrap();
        guildhall::db::person::find_local(&mut conn, name)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no person {name}"))
    }

    /// The row of the local community `name` (for direct service calls).
    pub async fn community_row(&self, name: &str) -> guildhall::db::community::CommunityRow {
        let state = self.state().await;
        let mut conn = state.pool.get().await.unwrap();
        guildhall::db::community::find_local(&mut conn, name)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no community {name}"))
    }

    /// Application state over this instance's database (for direct service calls).
    pub async fn state(&self) -> guildhall::services::AppState {
        let pool = guildhall::db::connect(
            &self.db.url,
            &self.db.url,
            2,
            guildhall::db::Commit::Durable,
        )
        .await
        .unwrap();
        guildhall::startup::app_state(self.settings.clone(), pool)
    }

    /// Sends a request with an optional raw body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> reqwest::Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        req.send().await.expect("request")
    }

    /// GETs `path` with an `Accept` header and returns status and JSON body.
    pub async fn get_json(&self, path: &str, accept: &str) -> (u16, Value) {
        let res = self
            .client
            .get(self.url(path))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Waits until this instance's queues are empty (see [`settle`]).
    pub async fn settle(&self) {
        settle(&[self]).await;
    }

    /// Incoming activities unprocessed or dead, and deliveries still queued.
    async fn queued(&self) -> i64 {
        self.number(
            "SELECT (SELECT count(*) FROM incoming_activities
                      WHERE processed_at IS NULL OR dead_at IS NOT NULL)
                  + (SELECT count(*) FROM deliveries) AS n",
        )
        .await
    }

    /// Counts rows of `table` (to prove that refused input changed nothing).
    pub async fn count(&self, table: &str) -> i64 {
        self.number(&format!("SELECT count(*) AS n FROM {table}"))
            .await
    }

    /// The number `n` that `sql` selects, over the test's own connection.
    async fn number(&self, sql: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Number {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.conn.lock().await;
        if conn.is_none() {
            *conn = Some(AsyncPgConnection::establish(&self.db.url).await.unwrap());
        }
        let row: Number = diesel::sql_query(sql)
            .get_result(conn.as_mut().unwrap())
            .await
            .unwrap();
        row.n
    }
}

/// The change that switches every milestone post of a community off.
pub fn no_milestones() -> guildhall::api::communities::UpdateCommunity {
    use guildhall::domain::milestone::{MilestoneKind, SwitchedOff};
    guildhall::api::communities::UpdateCommunity {
        milestones_off: Some(SwitchedOff(MilestoneKind::ALL.to_vec())),
        ..Default::default()
    }
}

/// What `tests/calendar/<script>` (Python, with the readers `scripts/test`
/// installs in `tests/calendar/.venv`) prints as JSON when given `input`:
/// our feeds read back by parsers that are not ours.
pub fn read_with_python(script: &str, input: &str) -> Value {
    use std::io::Write;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/calendar");
    let mut child = std::process::Command::new(format!("{dir}/.venv/bin/python"))
        .arg(format!("{dir}/{script}"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the Python readers (scripts/test installs them)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{script} could not read:\n{input}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A complete, valid charter: every field set.
pub fn sample_charter() -> Charter {
    let texts = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    Charter {
        domain: Some("Application security".into()),
        topics: texts(&["appsec", "threat-modelling"]),
        purpose: "Raise the security bar across product teams".into(),
        impact: Some("Fewer critical findings in production".into()),
        indicators: texts(&["critical findings per quarter"]),
        audience: Some("Engineers who ship code".into()),
        audience_rationale: Some("They make the daily security decisions".into()),
        core_team: texts(&["@alice", "https://other.example/u/bob"]),
        practices: vec![Practice {
            name: "Threat modelling clinic".into(),
            description: Some("Bring a design".into()),
            cadence: Some("fortnightly".into()),
            r#where: Some("Room 4".into()),
        }],
        meetings: Some("Every second Tuesday, 15:00 CET, Room 4 and video".into()),
        content_links: vec![ContentLink {
            label: "Wiki".into(),
            url: "https://wiki.example/secguild".into(),
        }],
        stage: Some(Stage::Active),
        organisations: texts(&["Example Corp"]),
        languages: texts(&["en", "pt-BR"]),
    }
}

/// Waits until the queues of every instance are empty, twice in a row 50 ms
/// apart: every stored incoming activity processed and every delivery sent,
/// including what one instance's work queued on another (looking every 20
/// ms while there is work, for up to 15 seconds; the workers run in
/// fast-queue mode).
pub async fn settle(apps: &[&TestApp]) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let mut quiet_once = false;
    loop {
        let mut quiet = true;
        for app in apps {
            quiet &= app.queued().await == 0;
        }
        if quiet && quiet_once {
            return;
        }
        if !quiet && std::time::Instant::now() > deadline {
            let mut left = Vec::new();
            for app in apps {
                left.extend(leftovers(&app.db.url).await);
            }
            panic!("the queues did not empty in 15 s: {left:#?}");
        }
        quiet_once = quiet;
        let pause = if quiet { 50 } else { 20 };
        tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let url = self.db.url.clone();
        let left = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(leftovers(&url))
        })
        .join()
        .unwrap();
        assert!(
            left.is_empty(),
            "{} left work behind (settle() before the test ends): {left:#?}",
            self.domain
        );
    }
}

/// What an instance's queues still hold: unprocessed or dead incoming
/// activities, and queued deliveries.
async fn leftovers(url: &str) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Left {
        #[diesel(sql_type = diesel::sql_types::Text)]
        what: String,
    }
    let Ok(mut conn) = AsyncPgConnection::establish(url).await else {
        return Vec::new();
    };
    let rows: Vec<Left> = diesel::sql_query(
        "SELECT 'incoming ' || kind || ' ' || ap_id || CASE WHEN dead_at IS NULL THEN ' (unprocessed)' ELSE ' (dead: ' || coalesce(error, '') || ')' END AS what
           FROM incoming_activities WHERE processed_at IS NULL OR dead_at IS NOT NULL
         UNION ALL
         SELECT 'delivery to ' || inbox || ' (attempts ' || attempts || coalesce(', ' || last_error, '') || ')'
           FROM deliveries",
    )
    .load(&mut conn)
    .await
    .unwrap_or_default();
    rows.into_iter().map(|r| r.what).collect()
}

/// The value of the metric line `name` in the `/metrics` answer at
/// `metrics_url` (0 when absent).
pub async fn metric(metrics_url: &str, name: &str) -> f64 {
    let text = reqwest::get(metrics_url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Polls `check` until it returns `Some`, for up to 15 seconds.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Two instances: alice owns the community `secguild` on alpha, and bob on
/// beta is an accepted member of it.
pub struct MemberPair {
    pub alpha: TestApp,
    pub beta: TestApp,
    pub alice: String,
    pub bob: String,
    /// How beta names the community: `secguild@alpha.test:<port>`.
    pub handle: String,
}

impl MemberPair {
    /// Boots both instances and makes bob a member.
    pub async fn start() -> MemberPair {
        Self::start_with(|_| {}).await
    }

    /// Like [`MemberPair::start`], with both instances' settings adjusted.
    pub async fn start_with(adjust: impl Fn(&mut Settings)) -> MemberPair {
        let alpha = TestApp::spawn_named_with("alpha", &adjust).await;
        let beta = TestApp::spawn_named_with("beta", &adjust).await;
        let alice = alpha.user("alice", false).await;
        let bob = beta.user("bob", false).await;
        alpha.community(&alice, "secguild").await;
        let handle = format!("secguild@{}", alpha.domain);
        beta.api(&bob).follow(&handle).await.expect("follow");
        settle(&[&alpha, &beta]).await;
        let community = beta.api(&bob).community(&handle).await.unwrap();
        assert_eq!(
            community.follow_state,
            guildhall::domain::community::Membership::Accepted,
            "bob becomes a member"
        );
        MemberPair {
            alpha,
            beta,
            alice,
            bob,
            handle,
        }
    }

    /// Waits until both instances' queues are empty.
    pub async fn settle(&self) {
        settle(&[&self.alpha, &self.beta]).await;
    }
}
