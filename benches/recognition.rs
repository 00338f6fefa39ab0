//! `cargo bench --bench recognition`: what a community's recognition views
//! cost as it grows, printed as one Markdown table.
//!
//! One Guildhall instance (dev mode, booted as `serve` boots, on a
//! throw-away PostgreSQL database) with one community of
//! `GUILDHALL_BENCH_MEMBERS` members (default 10,000), seeded in SQL with
//! `GUILDHALL_BENCH_KUDOS` kudos (default 100,000, each carried by a post,
//! spread over two years), as many other posts and replies again, and one
//! event per hundred members. Each view is read over HTTP, one request
//! after the other: top contributors over 30 days, a year and all time
//! computed (`GUILDHALL_BENCH_COLD_READS` reads, default 40, each asking
//! for a length not asked before, so none is served from the process's
//! rankings), then served as kept for a minute, and the kudos wall
//! (`GUILDHALL_BENCH_READS` reads each, default 200).

#[path = "federation/db.rs"]
mod db;
#[path = "federation/table.rs"]
mod table;

use table::{env, ms};

use anyhow::{Context as _, anyhow};
use diesel_async::RunQueryDsl;
use guildhall::services::{self, community::NewCommunityInput};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    table::run(run())
}

/// Seeds members, kudos, posts, replies and events in SQL (`$1`: the
/// community, `$2`: members, `$3`: kudos).
const SEED: &[&str] = &[
    "INSERT INTO people (ap_id, username, domain, local, inbox, public_key)
     SELECT 'https://peer.test/u/m' || n, 'm' || n, 'peer.test', false,
            'https://peer.test/inbox', 'key'
       FROM generate_series(1, $2) AS n",
    "INSERT INTO community_follows (community_id, person_id, state)
     SELECT $1, id, 'accepted' FROM people WHERE domain = 'peer.test'",
    "INSERT INTO posts (ap_id, community_id, author_id, local, title, content, published)
     SELECT 'https://peer.test/p/' || n, $1,
            (SELECT min(id) FROM people WHERE domain = 'peer.test') + (n * 7919) % $2,
            false, NULL, 'thanks', now() - (n % 730) * interval '1 day'
       FROM generate_series(1, $3) AS n",
    "INSERT INTO kudos (ap_id, community_id, giver_id, recipient_id, post_id, message, local, published)
     SELECT p.ap_id, p.community_id, p.author_id,
            (SELECT min(id) FROM people WHERE domain = 'peer.test')
              + ((p.author_id * 31 + p.id) % ($2 - 1) + 1 + p.author_id
                 - (SELECT min(id) FROM people WHERE domain = 'peer.test')) % $2,
            p.id, 'thanks', false, p.published
       FROM posts p WHERE p.community_id = $1",
    "INSERT INTO posts (ap_id, community_id, author_id, local, title, content, published, parent_id)
     SELECT 'https://peer.test/r/' || n, $1,
            (SELECT min(id) FROM people WHERE domain = 'peer.test') + (n * 104729) % $2,
            false, CASE WHEN n % 2 = 0 THEN 'A post' END, 'text',
            now() - (n % 730) * interval '1 day',
            CASE WHEN n % 2 = 1 THEN (SELECT min(id) FROM posts) + n % 1000 END
       FROM generate_series(1, $3) AS n",
    "INSERT INTO events (ap_id, community_id, organiser_id, title, description,
                         starts_local, ends_local, timezone, starts_at, ends_at,
                         join_mode, status, local, published)
     SELECT 'https://peer.test/e/' || n, $1,
            (SELECT min(id) FROM people WHERE domain = 'peer.test') + (n * 13) % $2,
            'Clinic', '', now()::timestamp, now()::timestamp + interval '1 hour', 'UTC',
            now(), now() + interval '1 hour', 'free', 'confirmed', false,
            now() - (n % 730) * interval '1 day'
       FROM generate_series(1, $2 / 100) AS n",
    "ANALYZE",
];

async fn run() -> anyhow::Result<Vec<(String, String)>> {
    let members = env("GUILDHALL_BENCH_MEMBERS", 10_000);
    let kudos = env("GUILDHALL_BENCH_KUDOS", 100_000);
    let reads = env("GUILDHALL_BENCH_READS", 200);
    let cold_reads = env("GUILDHALL_BENCH_COLD_READS", 40);
    let db = db::BenchDb::new("recognition");
    let (state, port) = table::boot("recognition", &db.url, |_| {}).await?;
    services::account::create_user(&state, "alice", "correct horse battery", false)
        .await
        .map_err(|e| anyhow!("create user: {e}"))?;
    let mut conn = state.pool.get().await?;
    let alice = guildhall::db::person::find_local(&mut conn, "alice")
        .await?
        .context("alice")?;
    let input = NewCommunityInput {
        name: "bench".into(),
        title: None,
        summary: None,
        visibility: Default::default(),
        posting_policy: Default::default(),
        charter: None,
    };
    let guild = services::community::create_community(&state, &alice, input)
        .await
        .map_err(|e| anyhow!("create the community: {e}"))?
        .row;
    eprintln!("seeding {members} members, {kudos} kudos and {kudos} other posts …");
    let began = Instant::now();
    for sql in SEED {
        diesel::sql_query(*sql)
            .bind::<diesel::sql_types::BigInt, _>(guild.id)
            .bind::<diesel::sql_types::BigInt, _>(i64::try_from(members)?)
            .bind::<diesel::sql_types::BigInt, _>(i64::try_from(kudos)?)
            .execute(&mut conn)
            .await
            .with_context(|| format!("seeding: {sql}"))?;
    }
    drop(conn);
    eprintln!("seeded in {:.1} s", began.elapsed().as_secs_f64());
    let stored = db::count_rows(&state.pool, "kudos").await?;
    anyhow::ensure!(stored == i64::try_from(kudos)?, "{stored} kudos stored");

    let client = reqwest::Client::builder().no_proxy().build()?;
    let base = format!("http://127.0.0.1:{port}/api/v1/communities/bench");
    let mut rows = vec![(
        "community".to_string(),
        format!("{members} members, {kudos} kudos, {kudos} other posts and replies"),
    )];
    for (what, path) in [
        ("30 days", "contributors?period=30d"),
        ("1 year", "contributors?period=1y"),
        ("all time", "contributors?period=all"),
        ("all time, by replies", "contributors?period=all&by=replies"),
    ] {
        let cold: Vec<String> = (1..=cold_reads)
            .map(|n| format!("{base}/{path}&limit={}", 10 + n % 90))
            .collect();
        rows.push((
            format!("top contributors, {what}, computed ({cold_reads} reads): p50 / p99"),
            latencies(&client, &cold).await?,
        ));
        let kept = vec![format!("{base}/{path}"); reads];
        rows.push((
            format!("top contributors, {what}, kept ({reads} reads): p50 / p99"),
            latencies(&client, &kept).await?,
        ));
    }
    let wall = vec![format!("{base}/kudos"); reads];
    rows.push((
        format!("kudos wall, newest 50 ({reads} reads): p50 / p99"),
        latencies(&client, &wall).await?,
    ));
    Ok(rows)
}

/// GETs each URL in turn; p50 and p99 of the answers' latency.
async fn latencies(client: &reqwest::Client, urls: &[String]) -> anyhow::Result<String> {
    let mut times = Vec::with_capacity(urls.len());
    for url in urls {
        let began = Instant::now();
        let body = client
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        times.push(began.elapsed());
        anyhow::ensure!(body.contains("\"items\":[{"), "{url}: no items: {body}");
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok(format!("{} / {}", ms(at(0.5)), ms(at(0.99))))
}
