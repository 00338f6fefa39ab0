//! `cargo bench --bench proposals`: co-design under load, printed as one
//! Markdown table.
//!
//! One Guildhall instance (dev mode, as `serve` boots it, workers on, the
//! proposal clock at its default of 10 s) with one community and one open
//! charter proposal. `GUILDHALL_BENCH_VOTERS` remote people (default 2,000,
//! on 20 hosts that the bench's own server answers for, sharing 20 RSA
//! keys) join the community with signed `Follow`s through the inbox, then
//! send `GUILDHALL_BENCH_VOTES` votes (default 10,000: each voter votes
//! several times, changing their mind), each a `Create{Note}` named after
//! the option in reply to the poll, signed as Mastodon signs, from 32
//! clients. Figures: the rate and latency of accepting the votes, the time
//! until every vote is counted (accepting and processing), the counts
//! against the stored votes (each voter counted once), and the
//! `Update{Question}`s the voters' inboxes received meanwhile (batched:
//! one per clock tick with new counts, not one per vote).

// Shared with the federation bench, which uses all of them.
#[allow(dead_code)]
#[path = "federation/db.rs"]
mod db;
#[allow(dead_code)]
#[path = "federation/load.rs"]
mod load;
#[path = "federation/sink.rs"]
mod sink;
#[path = "federation/table.rs"]
mod table;

use anyhow::{anyhow, bail};
use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use guildhall::{
    services::{self, community::NewCommunityInput},
    signature::{SigningKey, sign_request},
};
use load::Prepared;
use serde_json::json;
use std::{collections::HashMap, net::TcpListener, sync::Arc, time::Instant};
use table::{env, ms};
use url::Url;

const HOSTS: usize = 20;
const KEYS: usize = 20;
const CLIENTS: usize = 32;
const OPTIONS: [&str; 3] = ["Accept", "Reject", "Abstain"];

fn main() -> anyhow::Result<()> {
    table::run(run())
}

/// A remote voter and the key it signs with.
struct Voter {
    id: String,
    key: SigningKey,
}

async fn run() -> anyhow::Result<Vec<(String, String)>> {
    let voters_n = env("GUILDHALL_BENCH_VOTERS", 2_000);
    let votes_n = env("GUILDHALL_BENCH_VOTES", 10_000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    guildhall::startup::install_crypto_provider();
    let bench_db = db::BenchDb::new("proposals");
    let (state, port) = table::boot("alpha", &bench_db.url, |s| {
        s.workers = true;
        s.inbox_rate_limit = u32::MAX;
    })
    .await?;
    let domain = state.settings.domain.clone();
    let mut rows = Vec::new();

    let alice = services::account::create_user(&state, "alice", "correct horse battery", false)
        .await
        .map_err(|e| anyhow!("user: {e}"))?;
    let input = NewCommunityInput {
        name: "guild".into(),
        charter: Some(guildhall::domain::charter::Charter {
            purpose: "Learn together".into(),
            ..Default::default()
        }),
        ..NewCommunityInput::default()
    };
    let community = services::community::create_community(&state, &alice, input)
        .await
        .map_err(|e| anyhow!("community: {e}"))?;
    let mut charter = community.charter.clone().unwrap_or_default();
    charter.purpose = "Learn together, across organisations".into();
    let proposal = services::proposal::propose(&state, &alice, "guild", charter, "wider")
        .await
        .map_err(|e| anyhow!("proposal: {e}"))?;
    let poll = proposal.post.ap_id.clone();
    let group = community.row.ap_id.clone();

    eprintln!("generating {KEYS} RSA key pairs for {voters_n} voters …");
    let mut keys = Vec::new();
    for _ in 0..KEYS {
        let pair = tokio::task::spawn_blocking(guildhall::signature::generate_key_pair)
            .await?
            .map_err(|e| anyhow!("key generation: {e}"))?;
        keys.push(pair);
    }
    let sink_listener = TcpListener::bind("127.0.0.1:0")?;
    let sink_port = sink_listener.local_addr()?.port();
    let mut served = HashMap::new();
    let mut voters = Vec::new();
    for i in 0..voters_n {
        let id = format!("http://voters{}.test:{sink_port}/users/v{i}", i % HOSTS);
        let pair = &keys[i % KEYS];
        served.insert(id.clone(), pair.public_pem.clone());
        let key = SigningKey::from_pem(&format!("{id}#main-key"), &pair.private_pem)?;
        voters.push(Arc::new(Voter { id, key }));
    }
    let sink = Arc::new(sink::SinkState::new(served));
    sink.signer
        .set(sink::ExpectedSigner {
            key_id: format!("{group}#main-key"),
            public_pem: community.row.public_key.clone(),
        })
        .map_err(|_| anyhow!("the sink had a signer"))?;
    sink::start(sink_listener, sink.clone(), cores)?;
    let client = reqwest::Client::builder()
        .no_proxy()
        .resolve(
            domain.split(':').next().unwrap_or_default(),
            ([127, 0, 0, 1], port).into(),
        )
        .pool_max_idle_per_host(1024)
        .build()?;
    let inbox = Url::parse(&format!("{group}/inbox"))?;

    eprintln!("{voters_n} voters join …");
    let follows: Vec<_> = voters
        .iter()
        .map(|v| {
            let follow = json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "type": "Follow",
                "id": format!("{}#follows/1", v.id),
                "actor": v.id,
                "object": group,
            });
            (v.clone(), follow)
        })
        .collect();
    let follows = presign(follows, inbox.clone(), cores).await?;
    let joined = load::fire(&client, follows, CLIENTS, 202).await;
    if joined.unexpected(202) > 0 {
        bail!("follows: {}", joined.status_summary());
    }
    wait_until("every voter is a member", || async {
        Ok(scalar(
            &state,
            "SELECT count(*) AS n FROM community_follows WHERE state = 'accepted'",
        )
        .await?
            >= voters_n as i64)
    })
    .await?;
    wait_until("the accepts are delivered", || async {
        Ok(scalar(&state, "SELECT count(*) AS n FROM deliveries").await? == 0)
    })
    .await?;

    eprintln!("signing {votes_n} votes …");
    let votes: Vec<_> = (0..votes_n)
        .map(|i| {
            let voter = voters[i % voters_n].clone();
            let option = OPTIONS[(i / voters_n + i % voters_n) % OPTIONS.len()];
            let note = format!("{}#votes/{i}", voter.id);
            let vote = json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{note}/activity"),
                "type": "Create",
                "actor": voter.id,
                "to": group,
                "object": {
                    "id": note,
                    "type": "Note",
                    "name": option,
                    "attributedTo": voter.id,
                    "to": group,
                    "inReplyTo": poll,
                },
            });
            (voter, vote)
        })
        .collect();
    let votes = presign(votes, inbox.clone(), cores).await?;
    let updates_before = updates_received(&sink);

    eprintln!("{votes_n} votes from {CLIENTS} clients …");
    let started = Instant::now();
    let accepted = load::fire(&client, votes, CLIENTS, 202).await;
    wait_until("every vote is processed", || async {
        Ok(scalar(
            &state,
            "SELECT count(*) AS n FROM incoming_activities WHERE processed_at IS NULL AND dead_at IS NULL",
        )
        .await?
            == 0)
    })
    .await?;
    let counted_in = started.elapsed();
    let updates_during = updates_received(&sink) - updates_before;
    let row = services::proposal::get(&state, &community.row, proposal.row.id, None)
        .await
        .map_err(|e| anyhow!("proposal: {e}"))?;
    let tally = row.tally();
    let stored = |option: &str| {
        let state = state.clone();
        let option = option.to_string();
        async move {
            scalar(
                &state,
                &format!("SELECT count(*) AS n FROM proposal_votes WHERE option = '{option}'"),
            )
            .await
        }
    };
    let (accept, reject, abstain) = (
        stored("accept").await?,
        stored("reject").await?,
        stored("abstain").await?,
    );
    let refused = scalar(
        &state,
        "SELECT count(*) AS n FROM incoming_activities WHERE error IS NOT NULL",
    )
    .await?;

    rows.push((
        format!(
            "votes accepted ({votes_n} signed votes from {voters_n} voters, {CLIENTS} clients)"
        ),
        format!(
            "{:.0} votes/s · p50 {} · p99 {} · {}",
            accepted.per_sec(),
            ms(accepted.percentile(0.5)),
            ms(accepted.percentile(0.99)),
            accepted.status_summary()
        ),
    ));
    rows.push((
        "**time to take every vote: accepted, processed and counted**".into(),
        format!(
            "**{:.2} s** ({:.0} votes/s)",
            counted_in.as_secs_f64(),
            votes_n as f64 / counted_in.as_secs_f64().max(1e-9)
        ),
    ));
    rows.push((
        "counts kept (accept / reject / abstain · voters)".into(),
        format!(
            "{} / {} / {} · {}",
            tally.accept,
            tally.reject,
            tally.abstain,
            tally.voters()
        ),
    ));
    rows.push((
        "votes stored, one per voter (accept / reject / abstain)".into(),
        format!("{accept} / {reject} / {abstain}"),
    ));
    rows.push((
        "votes refused (the same option again: nothing to change)".into(),
        refused.to_string(),
    ));
    rows.push((
        "**`Update{Question}` received by the voters' inboxes while the votes came in** (one per shared inbox per clock tick)".into(),
        format!(
            "**{updates_during}** on {HOSTS} shared inboxes, for {votes_n} votes"
        ),
    ));
    let counted = (
        i64::from(tally.accept),
        i64::from(tally.reject),
        i64::from(tally.abstain),
    );
    if counted != (accept, reject, abstain) || tally.voters() as usize != voters_n {
        bail!(
            "the counts {counted:?} disagree with the stored votes ({accept}, {reject}, {abstain}) or the {voters_n} voters"
        );
    }
    Ok(rows)
}

/// Requests the sink received that were `Update{Question}`.
fn updates_received(sink: &sink::SinkState) -> u32 {
    sink.deliveries
        .lock()
        .map(|d| d.shapes.get("Update{Question}").copied().unwrap_or(0))
        .unwrap_or(0)
}

/// Signs `(voter, activity)` pairs for `inbox` on `threads` threads.
async fn presign(
    jobs: Vec<(Arc<Voter>, serde_json::Value)>,
    inbox: Url,
    threads: usize,
) -> anyhow::Result<Vec<Prepared>> {
    tokio::task::spawn_blocking(move || {
        let chunk = jobs.len().div_ceil(threads.max(1)).max(1);
        let inbox = &inbox;
        std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(voter, activity)| {
                                let body = activity.to_string().into_bytes();
                                let mut headers =
                                    sign_request("POST", inbox, Some(&body), &voter.key)?;
                                headers.push((
                                    "content-type".into(),
                                    "application/activity+json".into(),
                                ));
                                Ok(Prepared {
                                    url: inbox.to_string(),
                                    headers,
                                    body,
                                })
                            })
                            .collect::<anyhow::Result<Vec<_>>>()
                    })
                })
                .collect();
            let mut all = Vec::new();
            for handle in handles {
                all.extend(
                    handle
                        .join()
                        .map_err(|_| anyhow!("a signing thread panicked"))??,
                );
            }
            Ok(all)
        })
    })
    .await?
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// A `SELECT count(*) AS n …` on the instance's database.
async fn scalar(state: &services::AppState, sql: &str) -> anyhow::Result<i64> {
    let mut conn = state.pool.get().await?;
    let count: Count = diesel::sql_query(sql).get_result(&mut conn).await?;
    Ok(count.n)
}

/// Polls `done` every 20 ms for up to 10 minutes.
async fn wait_until<F, Fut>(what: &str, mut done: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    let deadline = Instant::now() + std::time::Duration::from_secs(600);
    while !done().await? {
        if Instant::now() > deadline {
            bail!("timed out waiting until {what}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(())
}
