//! Lemmy as the instance under test, for the side-by-side comparison
//! (`LEMMY_BIN=<lemmy_server> scripts/compare-lemmy`; not part of CI).
//!
//! The binary runs as its admins run it, on its own database on the same
//! PostgreSQL server, with its defaults except: the host name
//! `lemmy.test:<port>`, plain HTTP (a build with debug assertions, the only
//! way Lemmy federates over http), `LEMMY_TEST_FAST_FEDERATION=1` (its queue
//! looks for new work every 100 ms instead of 30 s, and for new followers
//! every second instead of 2 minutes, so its drain is not measured waiting),
//! and the followers' sink as its HTTP proxy, so the `.test` names reach
//! the sink. Its community is created over its API; the followers follow it
//! with signed `Follow`s, as Mastodon would, and the sink takes its
//! `Accept`s. Its output goes to a log file named in errors.

use super::{
    Remote, client_for,
    db::{self, BenchDb},
    end_to_end::{COMMUNITY, FOLLOWERS, Followers, Target},
    load::{self, Prepared},
    sink::ExpectedSigner,
};
use anyhow::{Context as _, anyhow, bail, ensure};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};
use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};
use tokio::process::Child;
use url::Url;

const ADMIN: &str = "admin";
const PASSWORD: &str = "a long bench password";

/// A running `lemmy_server`. When dropped: its config is removed, then it
/// is killed, then its database dropped (fields drop in this order).
pub struct Lemmy {
    process: Child,
    db: BenchDb,
    config: PathBuf,
    pub log: PathBuf,
}

impl Drop for Lemmy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.config);
    }
}

/// Starts `bin` and sets it up for the end-to-end measurement: its
/// community followed by every one of `followers`.
pub async fn start(bin: &Path, followers: &Followers) -> anyhow::Result<(Lemmy, Target)> {
    let db = BenchDb::new("lemmy");
    let mut admin = AsyncPgConnection::establish(&format!("{}/postgres", db::server_url())).await?;
    diesel::sql_query(format!("CREATE DATABASE {}", db.name))
        .execute(&mut admin)
        .await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let domain = format!("lemmy.test:{port}");
    let config = std::env::temp_dir().join(format!("{}.hjson", db.name));
    let log = std::env::temp_dir().join(format!("{}.log", db.name));
    std::fs::write(
        &config,
        json!({
            "hostname": domain,
            "bind": "127.0.0.1",
            "port": port,
            "tls_enabled": false,
            "setup": {"admin_username": ADMIN, "admin_password": PASSWORD, "site_name": "Side by side"},
        })
        .to_string(),
    )?;
    let proxy = format!("http://127.0.0.1:{}", followers.port);
    eprintln!(
        "lemmy: starting {} (log: {}) …",
        bin.display(),
        log.display()
    );
    let output = std::fs::File::create(&log)?;
    let process = tokio::process::Command::new(bin)
        .env("LEMMY_CONFIG_LOCATION", &config)
        .env("LEMMY_DATABASE_URL", &db.url)
        .env("LEMMY_TEST_FAST_FEDERATION", "1")
        .env("RUST_LOG", "warn")
        .env("http_proxy", &proxy)
        .env("HTTP_PROXY", &proxy)
        .env_remove("no_proxy")
        .env_remove("NO_PROXY")
        .stdin(Stdio::null())
        .stdout(output.try_clone()?)
        .stderr(output)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let mut lemmy = Lemmy {
        process,
        db,
        config,
        log,
    };
    let pid = lemmy.process.id().context("lemmy_server has no pid")?;
    let client = client_for(&domain)?;
    let base = format!("http://{domain}");
    let begun = Instant::now();
    let site: Value = loop {
        if let Ok(answer) = client.get(format!("{base}/api/v3/site")).send().await
            && answer.status().is_success()
        {
            break answer.json().await?;
        }
        if let Some(status) = lemmy.process.try_wait()? {
            bail!(
                "lemmy_server exited ({status}); see {}",
                lemmy.log.display()
            );
        }
        ensure!(
            begun.elapsed() < Duration::from_secs(180),
            "lemmy_server did not answer in 180 s; see {}",
            lemmy.log.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let db = &lemmy.db;
    let pool = guildhall::db::connect(&db.url, &db.name, 2, guildhall::db::Commit::Durable).await?;

    let group = create_community(&client, &base).await?;
    let document: Value = client
        .get(&group)
        .header("accept", "application/activity+json")
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let key = &document["publicKey"];
    followers
        .sink
        .signer
        .set(ExpectedSigner {
            key_id: key["id"]
                .as_str()
                .context("the group has no key id")?
                .into(),
            public_pem: key["publicKeyPem"]
                .as_str()
                .context("the group has no key")?
                .into(),
        })
        .map_err(|_| anyhow!("the sink already had a signer"))?;
    follow(&client, &base, &group, followers)
        .await
        .with_context(|| {
            format!(
                "following Lemmy's community (its log: {}; a Lemmy built without debug assertions takes no plain-http peers)",
                lemmy.log.display()
            )
        })?;

    let target = Target {
        software: format!(
            "Lemmy {}",
            site["version"].as_str().unwrap_or("(version unknown)")
        ),
        pid,
        domain,
        group,
        pool,
        posts: "post WHERE NOT local",
        queued: None,
        accepted: 200,
        announces_per_toot: 2,
    };
    Ok((lemmy, target))
}

/// Signs in as the admin and creates the community; its id.
async fn create_community(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let login: Value = client
        .post(format!("{base}/api/v3/user/login"))
        .json(&json!({"username_or_email": ADMIN, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()
        .context("signing in to Lemmy")?
        .json()
        .await?;
    let jwt = login["jwt"].as_str().context("Lemmy gave no jwt")?;
    let created: Value = client
        .post(format!("{base}/api/v3/community"))
        .bearer_auth(jwt)
        .json(&json!({"name": COMMUNITY, "title": "End-to-end guild"}))
        .send()
        .await?
        .error_for_status()
        .context("creating the community on Lemmy")?
        .json()
        .await?;
    created["community_view"]["community"]["actor_id"]
        .as_str()
        .map(str::to_string)
        .context("Lemmy's community has no actor_id")
}

/// Every follower follows the community with a signed `Follow`, and
/// Lemmy accepts each. Its queue has one worker per instance, which starts
/// within seconds of the instance's first activity and skips what was
/// queued before it: the first follower follows until an `Accept` comes
/// back, then the others follow.
async fn follow(
    client: &reqwest::Client,
    base: &str,
    group: &str,
    followers: &Followers,
) -> anyhow::Result<()> {
    let inbox = Url::parse(&format!("{base}/inbox"))?;
    let (first, _) = &followers.remotes[0];
    eprintln!("lemmy: the first follower follows until Lemmy's queue answers …");
    let mut attempt = 0;
    while accepted(followers, "") == 0 {
        ensure!(attempt < 60, "Lemmy sent no Accept in 60 s");
        let follow = signed_follow(first, &format!("{attempt}"), group, &inbox)?;
        send(client, vec![follow]).await?;
        attempt += 1;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    eprintln!("lemmy: the other {} followers follow …", FOLLOWERS - 1);
    let follows = followers.remotes[1..]
        .iter()
        .map(|(remote, _)| signed_follow(remote, COMMUNITY, group, &inbox))
        .collect::<anyhow::Result<Vec<_>>>()?;
    send(client, follows).await?;
    let suffix = format!("/follows/{COMMUNITY}");
    let begun = Instant::now();
    loop {
        let accepts = accepted(followers, &suffix);
        if accepts >= FOLLOWERS - 1 {
            break;
        }
        ensure!(
            begun.elapsed() < Duration::from_secs(120),
            "Lemmy accepted {accepts} of {} follows in 120 s",
            FOLLOWERS - 1
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Its queue reads new followers every second (fast federation).
    tokio::time::sleep(Duration::from_secs(3)).await;
    Ok(())
}

/// A signed `Follow` of `group` by `remote`, its id ending in `/follows/<name>`.
fn signed_follow(
    remote: &Remote,
    name: &str,
    group: &str,
    inbox: &Url,
) -> anyhow::Result<Prepared> {
    let body = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/follows/{name}", remote.id),
        "type": "Follow",
        "actor": remote.id,
        "object": group,
        "to": [group],
    });
    load::signed_post(inbox, &body, &remote.key)
}

/// Sends follows, 8 at a time; each must be taken (200).
async fn send(client: &reqwest::Client, follows: Vec<Prepared>) -> anyhow::Result<()> {
    let sent = load::fire(client, follows, 8, 200).await;
    ensure!(
        sent.unexpected(200) == 0,
        "Lemmy refused follows ({}); first: {}",
        sent.status_summary(),
        sent.first_problem.unwrap_or_default()
    );
    Ok(())
}

/// Follows Lemmy accepted (`Accept{Follow}` received), of those whose id
/// ends with `suffix`.
fn accepted(followers: &Followers, suffix: &str) -> usize {
    followers.sink.deliveries.lock().map_or(0, |d| {
        d.objects
            .keys()
            .filter(|id| id.contains("/follows/") && id.ends_with(suffix))
            .count()
    })
}
