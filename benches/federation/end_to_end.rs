//! The end-to-end inbox figure: signed, Mastodon-shaped `Create{Note}`
//! toots mentioning a group, from remote people who follow it (all on one
//! Mastodon-like instance, `m.test`), timed from the first request until
//! every toot is stored as a post *and* its announce reached the followers'
//! shared inbox (the drain included), next to the accept-only rate of the
//! same requests. The instance (**gamma**) is `guildhall serve` as users run
//! it (its own process: its peak memory and CPU time are its own), with
//! production queue settings and its workers on; only the per-host inbox
//! rate limit is lifted. The benchmark sets it up through the services, on
//! its own connection to gamma's database.
//!
//! Checks: every request answered 202, every toot stored once, exactly one
//! announce per toot and inbox, every announce signed by the group. Each
//! follower's first toot also earns the community's welcome post (a
//! milestone), announced too; those are counted apart.
//!
//! The measurement (`measure`) takes any `Target`: the side-by-side
//! comparison (`compare`) runs it on Lemmy too.

use super::{
    Remote, Report, app, client_for, cpu, db, latency_row, load, memory, mib, scale, serve, sink,
    sink::{ExpectedSigner, SinkState},
};
use anyhow::{Context as _, anyhow};
use chrono::Utc;
use guildhall::{
    db::{
        DbPool,
        follow::{self, FollowState},
        person::{self, RemotePerson},
    },
    services::{self, AppState, community::NewCommunityInput},
    settings::Settings,
    signature::SigningKey,
};
use load::Prepared;
use serde_json::json;
use std::{
    collections::HashMap,
    net::TcpListener,
    sync::Arc,
    time::{Duration, Instant},
};
use url::Url;

/// Remote people who follow the group and toot at it.
pub const FOLLOWERS: usize = 200;
/// Concurrent connections sending the toots (as in the comparison).
const CLIENTS: usize = 32;
/// The followers' instance.
const HOST: &str = "m.test";
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
/// The community's name on the instance under test.
pub const COMMUNITY: &str = "e2e";

/// The remote people, on one Mastodon-like instance played by a sink of
/// their own, which serves their documents and takes the deliveries.
pub struct Followers {
    /// Each person with their public key PEM.
    pub remotes: Vec<(Arc<Remote>, String)>,
    pub sink: Arc<SinkState>,
    /// The sink's port: their ids are `http://m.test:<port>/users/u<n>`.
    pub port: u16,
    /// `http://m.test:<port>/users/`, which their ids start with.
    people: String,
}

impl Followers {
    /// Starts the sink for `FOLLOWERS` people, keyed round-robin from `keys`.
    pub fn start(keys: &[(String, String)], cores: usize) -> anyhow::Result<Followers> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let mut remotes = Vec::with_capacity(FOLLOWERS);
        let mut served = HashMap::new();
        for a in 0..FOLLOWERS {
            let id = format!("http://{HOST}:{port}/users/u{a}");
            let (public, private) = &keys[a % keys.len()];
            served.insert(id.clone(), public.clone());
            let key = SigningKey::from_pem(&format!("{id}#main-key"), private)?;
            remotes.push((Arc::new(Remote { id, key }), public.clone()));
        }
        let sink = Arc::new(SinkState::new(served));
        sink::start(listener, sink.clone(), cores)?;
        Ok(Followers {
            remotes,
            sink,
            port,
            people: format!("http://{HOST}:{port}/users/"),
        })
    }

    /// The instance's shared inbox.
    pub fn shared_inbox(&self) -> String {
        format!("http://{HOST}:{}/inbox", self.port)
    }

    /// Whether a delivered object id is one of the toots (or their
    /// `Create`s), not a follow or another object.
    fn is_toot(&self, object: &str) -> bool {
        object.starts_with(&self.people) && object.contains("/statuses/")
    }
}

/// The instance under test, set up: its group exists, the followers follow
/// it, and the sink knows the group's key.
pub struct Target {
    /// Its name and version, as `Guildhall 0.1.0` or `Lemmy 0.19.20`.
    pub software: String,
    pub pid: u32,
    /// `host:port`, as in its ids.
    pub domain: String,
    /// The group's id.
    pub group: String,
    /// The benchmark's own connections to its database.
    pub pool: DbPool,
    /// Where the toots' posts are counted: `<table> WHERE <condition>`.
    pub posts: &'static str,
    /// The group's deliveries still queued, where it keeps them in a table.
    pub queued: Option<String>,
    /// The status its inbox answers an accepted activity with.
    pub accepted: u16,
    /// Announces of each toot a follower's inbox gets: Guildhall boosts
    /// the note for Mastodon-like followers; Lemmy sends `Announce{Create}`
    /// and, for Mastodon, `Announce{Page}`.
    pub announces_per_toot: usize,
}

/// Sends `toots` toots and reports the accept and end-to-end figures.
pub async fn phase(
    toots: usize,
    preloaded: i64,
    keys: &[(String, String)],
    cores: usize,
    report: &mut Report,
) -> anyhow::Result<()> {
    let followers = Followers::start(keys, cores)?;
    let (_gamma, target) = guildhall(&followers, preloaded, report).await?;
    measure(&target, &followers, toots, cores, report).await
}

/// Gamma, `guildhall serve` (workers on, production queue, only the
/// per-host rate limit lifted), its community followed by `followers`
/// (written through the services); with `preloaded` old rows (`--scale`).
pub async fn guildhall(
    followers: &Followers,
    preloaded: i64,
    report: &mut Report,
) -> anyhow::Result<(serve::Served, Target)> {
    eprintln!("end to end: starting gamma, `guildhall serve` (workers on, production queue) …");
    let unlimited = u32::MAX.to_string();
    let gamma = serve::start("gamma", &[("GUILDHALL_INBOX_RATE_LIMIT", &unlimited)]).await?;
    let state = &services_on(&gamma).await?;
    if preloaded > 0 {
        eprintln!("end to end: preloading {preloaded} rows into gamma's large tables …");
        let took = scale::preload(state, preloaded).await?;
        report.row(
            "scale: old rows preloaded on gamma (incoming_activities, posts, deliveries; --scale)",
            format!("{preloaded} each in {:.1} s", took.as_secs_f64()),
        );
    }
    let author = app(
        services::account::create_user(state, "founder", "correct horse battery", false).await,
        "create the founder",
    )?;
    let community = app(
        services::community::create_community(
            state,
            &author,
            NewCommunityInput {
                name: COMMUNITY.into(),
                title: Some("End-to-end guild".into()),
                ..NewCommunityInput::default()
            },
        )
        .await,
        "create the community",
    )?;
    let group = community.row.clone();
    followers
        .sink
        .signer
        .set(ExpectedSigner {
            key_id: format!("{}#main-key", group.ap_id),
            public_pem: group.public_key.clone(),
        })
        .map_err(|_| anyhow!("the sink already had a signer"))?;
    {
        let mut conn = state.pool.get().await?;
        let shared = followers.shared_inbox();
        for (remote, pem) in &followers.remotes {
            let username = remote.id.rsplit('/').next().unwrap_or("u").to_string();
            let inbox = format!("{}/inbox", remote.id);
            let row = person::upsert_remote(
                &mut conn,
                &RemotePerson {
                    ap_id: &remote.id,
                    username: Some(&username),
                    domain: HOST,
                    local: false,
                    display_name: None,
                    inbox: &inbox,
                    shared_inbox: Some(&shared),
                    public_key: pem,
                    key_id: None,
                    refreshed_at: Utc::now(),
                },
            )
            .await?;
            let follow_id = format!("{}/follows/e2e", remote.id);
            follow::upsert(
                &mut conn,
                group.id,
                row.id,
                FollowState::Accepted,
                Some(&follow_id),
            )
            .await?;
        }
    }
    let target = Target {
        software: format!("Guildhall {}", env!("CARGO_PKG_VERSION")),
        pid: gamma.pid,
        domain: gamma.domain.clone(),
        group: group.ap_id.clone(),
        pool: state.pool.clone(),
        posts: "posts WHERE NOT local",
        queued: Some(format!("deliveries WHERE signer = '{}'", group.ap_id)),
        accepted: 202,
        announces_per_toot: 1,
    };
    Ok((gamma, target))
}

/// Sends `toots` toots from the followers to `target`'s inbox over
/// `CLIENTS` connections, and reports how fast they were accepted, and
/// stored and announced (the drain included), what it cost, and the checks.
pub async fn measure(
    target: &Target,
    followers: &Followers,
    toots: usize,
    cores: usize,
    report: &mut Report,
) -> anyhow::Result<()> {
    eprintln!("end to end: signing {toots} toots …");
    let inbox = Url::parse(&format!("http://{}/inbox", target.domain))?;
    let mention = format!("@{COMMUNITY}@{}", target.domain);
    let jobs: Vec<(Arc<Remote>, usize)> = (0..toots)
        .map(|i| (followers.remotes[i % FOLLOWERS].0.clone(), i))
        .collect();
    let prepared = presign_toots(jobs, target.group.clone(), mention, inbox, cores).await?;
    let before_posts = db::count_rows(&target.pool, target.posts).await?;
    let sink = &followers.sink;
    let announces = toots * target.announces_per_toot;
    let announced = || {
        sink.deliveries.lock().map_or(0, |d| {
            d.objects.keys().filter(|o| followers.is_toot(o)).count()
        })
    };

    eprintln!(
        "end to end: {toots} toots from {FOLLOWERS} followers over {CLIENTS} connections to {} …",
        target.software
    );
    let client = client_for(&target.domain)?;
    let cpu_before = cpu::process_seconds(Some(target.pid));
    let postgres_before = cpu::postgres_seconds();
    let started = Instant::now();
    let accepted = load::fire(&client, prepared, CLIENTS, target.accepted).await;
    let stored_at_end = db::count_rows(&target.pool, target.posts).await? - before_posts;
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut stored;
    let mut pending = 0;
    loop {
        if announced() >= announces {
            stored = db::count_rows(&target.pool, target.posts).await? - before_posts;
            // The group's own: a preloaded backlog (`scale`) waits for tomorrow.
            if let Some(queued) = &target.queued {
                pending = db::count_rows(&target.pool, queued).await?;
            }
            if stored >= toots as i64 && pending == 0 {
                break;
            }
        }
        if Instant::now() > deadline {
            stored = db::count_rows(&target.pool, target.posts).await? - before_posts;
            if let Some(queued) = &target.queued {
                pending = db::count_rows(&target.pool, queued).await?;
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let finished = sink
        .deliveries
        .lock()
        .ok()
        .and_then(|d| d.last_at)
        .map_or(started.elapsed(), |at| {
            at.saturating_duration_since(started)
        });
    let cpu = cpu::process_seconds(Some(target.pid))
        .zip(cpu_before)
        .map(|(a, b)| a - b);
    let postgres = cpu::postgres_seconds()
        .zip(postgres_before)
        .map(|(a, b)| a - b);
    // Give duplicates a chance to show up.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (received, objects, most) = {
        let seen = sink
            .deliveries
            .lock()
            .map_err(|_| anyhow!("sink lock poisoned"))?;
        let toots: Vec<u32> = seen
            .objects
            .iter()
            .filter(|(object, _)| followers.is_toot(object))
            .map(|(_, n)| *n)
            .collect();
        (
            toots.iter().sum::<u32>() as usize,
            toots.len(),
            toots.iter().max().copied().unwrap_or(0),
        )
    };
    let failures = sink
        .verify_failures
        .load(std::sync::atomic::Ordering::Relaxed);
    let seconds = |c: f64| {
        format!(
            "{c:.1} s ({:.2} cores)",
            c / finished.as_secs_f64().max(1e-9)
        )
    };

    report.row(
        format!(
            "end to end: toots accepted per second ({toots} Create{{Note}} from {FOLLOWERS} followers, {CLIENTS} connections, workers on)"
        ),
        format!(
            "{:.0} activities/s ({:.2} s)",
            accepted.per_sec(),
            accepted.elapsed.as_secs_f64()
        ),
    );
    latency_row(report, "end to end: accept latency", &accepted);
    report.row("end to end: answers", accepted.status_summary());
    report.row(
        "end to end: stored when the load ended",
        format!("{stored_at_end} of {toots}"),
    );
    report.row(
        "**end to end: stored and announced per second, drain included**",
        format!(
            "**{:.0} activities/s** ({:.2} s for {toots})",
            toots as f64 / finished.as_secs_f64().max(1e-9),
            finished.as_secs_f64()
        ),
    );
    report.row(
        "end to end: the server's CPU (user + system, load and drain) / its peak RSS (VmHWM; issue 15's target 6: < 100 MB)",
        format!(
            "{} / {}",
            cpu.map_or("unknown".into(), seconds),
            mib(memory::status_kib(Some(target.pid), "VmHWM"))
        ),
    );
    report.row(
        "end to end: PostgreSQL CPU (all its processes, load and drain)",
        postgres.map_or("n/a (the server is not on this machine)".into(), seconds),
    );
    report.row(
        "end to end: posts stored / announces received / distinct objects announced / most announces of one object",
        format!(
            "{stored} / {received} / {objects} / {most} (expected {toots} / {announces} / {announces} / 1)"
        ),
    );
    report.check(accepted.unexpected(target.accepted) == 0, || {
        format!(
            "end to end: {} answers other than {} ({}); first: {}",
            accepted.unexpected(target.accepted),
            target.accepted,
            accepted.status_summary(),
            accepted.first_problem.clone().unwrap_or_default()
        )
    });
    report.check(stored == toots as i64, || {
        format!("end to end: {stored} posts stored for {toots} toots")
    });
    report.check(
        received == announces && objects == announces && most == 1,
        || format!("end to end: {received} announces of {objects} objects (most {most} for one)"),
    );
    report.check(failures == 0, || {
        format!("end to end: {failures} announces failed signature verification")
    });
    report.check(pending == 0, || {
        format!("end to end: deliveries still queued ({pending})")
    });
    Ok(())
}

/// The services over gamma's database, as the benchmark's own client of
/// it (the settings name gamma, so the ids they mint are gamma's).
async fn services_on(gamma: &serve::Served) -> anyhow::Result<AppState> {
    let settings = Settings {
        bind: format!("127.0.0.1:{}", gamma.port),
        domain: gamma.domain.clone(),
        database_url: gamma.db.url.clone(),
        dev: true,
        ..Settings::default()
    };
    let pool = guildhall::db::connect(
        &gamma.db.url,
        &gamma.db.name,
        4,
        guildhall::db::Commit::Durable,
    )
    .await?;
    Ok(guildhall::startup::app_state(settings, pool))
}

/// A signed Mastodon-shaped toot (`Create{Note}`), public, mentioning `group`.
fn toot(
    remote: &Remote,
    n: usize,
    group: &str,
    mention: &str,
    inbox: &Url,
) -> anyhow::Result<Prepared> {
    let note = format!("{}/statuses/{n}", remote.id);
    let (to, cc) = (
        json!([PUBLIC]),
        json!([format!("{}/followers", remote.id), group]),
    );
    let published = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let body = json!({
        "@context": ["https://www.w3.org/ns/activitystreams",
                     {"ostatus": "http://ostatus.org#", "atomUri": "ostatus:atomUri"}],
        "id": format!("{note}/activity"),
        "type": "Create",
        "actor": remote.id,
        "published": published,
        "to": to,
        "cc": cc,
        "object": {
            "id": note,
            "type": "Note",
            "summary": null,
            "inReplyTo": null,
            "published": published,
            "url": note,
            "attributedTo": remote.id,
            "to": to,
            "cc": cc,
            "sensitive": false,
            "atomUri": note,
            "content": format!("<p><span class=\"h-card\"><a href=\"{group}\" class=\"u-url mention\">@<span>{COMMUNITY}</span></a></span> Meeting notes, part {n}</p><p>Details follow.</p>"),
            "attachment": [],
            "tag": [{"type": "Mention", "href": group, "name": mention}],
        },
    });
    load::signed_post(inbox, &body, &remote.key)
}

/// Signs the toots on `threads` threads.
async fn presign_toots(
    jobs: Vec<(Arc<Remote>, usize)>,
    group: String,
    mention: String,
    inbox: Url,
    threads: usize,
) -> anyhow::Result<Vec<Prepared>> {
    load::sign_all(jobs, threads, move |(remote, n)| {
        toot(remote, *n, &group, &mention, &inbox)
    })
    .await
    .context("signing the toots")
}
