//! `cargo bench --bench pages`: the server time to render a community's
//! page, printed as one Markdown table.
//!
//! One Guildhall instance (dev mode, booted as `serve` boots, on a
//! throw-away PostgreSQL database) with a community that has a full
//! charter, `GUILDHALL_BENCH_POSTS` posts (default 200, written through
//! the same service as the pages), a reply to every tenth, kudos and
//! upcoming events. Planner statistics are gathered (`ANALYZE`, as
//! autovacuum would; `GUILDHALL_BENCH_ANALYZE=0`: not). `GET /c/bench` is
//! then read under load:
//! `GUILDHALL_BENCH_CLIENTS` clients at once (default 8), each reading it
//! as soon as the last answer arrived, `GUILDHALL_BENCH_READS` reads in
//! all (default 2,000), first signed out, then signed in (the session
//! cookie is checked on every page). Each read is timed from request to
//! the last byte over loopback, so the figures are the server's time plus
//! a local round trip.

#[path = "federation/db.rs"]
mod db;
#[path = "federation/statistics.rs"]
mod statistics;
#[path = "federation/table.rs"]
mod table;

use table::{env, ms};

use anyhow::{Context as _, anyhow};
use chrono::{Duration as Days, Utc};
use guildhall::{
    domain::charter::{Charter, Practice, Stage},
    services::{
        self,
        community::NewCommunityInput,
        event::{draft::EventInput, store},
        kudos::KudosRequest,
        post::local::{self, Writing},
    },
};
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

fn main() -> anyhow::Result<()> {
    table::run(run())
}

fn charter() -> Charter {
    Charter {
        domain: Some("Application security".into()),
        topics: vec!["threat modelling".into(), "appsec".into()],
        purpose: "Raise the security bar of every product team.".into(),
        impact: Some("Fewer incidents, found earlier.".into()),
        indicators: vec!["Threat models per quarter".into()],
        audience: Some("Developers, testers and architects.".into()),
        practices: vec![Practice {
            name: "Threat modelling clinic".into(),
            cadence: Some("fortnightly".into()),
            r#where: Some("Room 4 and online".into()),
            description: Some("Bring a design.".into()),
        }],
        meetings: Some("Every second Tuesday".into()),
        stage: Some(Stage::Active),
        languages: vec!["en".into()],
        ..Charter::default()
    }
}

async fn run() -> anyhow::Result<Vec<(String, String)>> {
    let posts = env("GUILDHALL_BENCH_POSTS", 200);
    let clients = env("GUILDHALL_BENCH_CLIENTS", 8);
    let reads = env("GUILDHALL_BENCH_READS", 2_000);
    let db = db::BenchDb::new("pages");
    let (state, port) = table::boot("pages", &db.url, |_| {}).await?;
    let failed = |what: &'static str| move |e: guildhall::error::AppError| anyhow!("{what}: {e}");
    let alice = services::account::create_user(&state, "alice", "correct horse battery", false)
        .await
        .map_err(failed("create alice"))?;
    let bob = services::account::create_user(&state, "bob", "correct horse battery", false)
        .await
        .map_err(failed("create bob"))?;
    let input = NewCommunityInput {
        name: "bench".into(),
        title: Some("Security Guild".into()),
        summary: Some("Practitioners raising the **security** bar.".into()),
        charter: Some(charter()),
        ..NewCommunityInput::default()
    };
    let guild = services::community::create_community(&state, &alice, input)
        .await
        .map_err(failed("create the community"))?
        .row;
    services::follow::follow(&state, &bob, &guild)
        .await
        .map_err(failed("bob joins"))?;
    eprintln!("writing {posts} posts …");
    for n in 0..posts {
        let writing = Writing {
            title: Some(format!("Post number {n}")),
            content: format!(
                "Notes from clinic {n}: **threats** found, _fixes_ planned, [details](https://wiki.example/{n})."
            ),
            content_warning: None,
        };
        let post = local::create_post(&state, &alice, &guild, &writing)
            .await
            .map_err(failed("write a post"))?;
        if n % 10 == 0 {
            local::reply(&state, &bob, post.row.id, "Thanks for the notes!", None)
                .await
                .map_err(failed("reply"))?;
        }
    }
    for n in 0..10 {
        let request = KudosRequest {
            message: format!("running clinic {n}"),
            category: None,
            thanks_for: None,
        };
        services::kudos::give(&state, &bob, &guild, &alice, &request)
            .await
            .map_err(failed("give kudos"))?;
    }
    for week in 1..=5 {
        let start = (Utc::now() + Days::weeks(week)).naive_utc();
        let input = EventInput {
            title: format!("Clinic, week {week}"),
            start,
            end: start + Days::hours(1),
            timezone: "Europe/Berlin".into(),
            ..EventInput::default()
        };
        store::create(&state, &alice, &guild, input)
            .await
            .map_err(failed("plan an event"))?;
    }
    let statistics = statistics::gather(&state.pool).await?;
    let stored = db::count_rows(&state.pool, "posts").await?;
    anyhow::ensure!(stored >= i64::try_from(posts)?, "{stored} posts stored");
    let token = services::account::sign_in(&state, "alice", "correct horse battery", None)
        .await
        .map_err(failed("sign in"))?;

    let client = reqwest::Client::builder().no_proxy().build()?;
    let url = format!("http://127.0.0.1:{port}/c/bench");
    // Warm the pool and the process's caches (top contributors).
    under_load(&client, &url, None, clients, clients * 4).await?;
    let mut rows = vec![(
        "community".to_string(),
        format!(
            "{posts} posts, {} replies, 10 kudos, 5 upcoming events, a full charter",
            posts.div_ceil(10)
        ),
    )];
    rows.push(statistics);
    for (who, cookie) in [("signed out", None), ("signed in", Some(token.as_str()))] {
        let began = Instant::now();
        let times = under_load(&client, &url, cookie, clients, reads).await?;
        let rate = reads as f64 / began.elapsed().as_secs_f64();
        rows.push((
            format!("`GET /c/bench`, {who}, {clients} clients, {reads} reads: p50 / p99 / max"),
            format!(
                "{} / {} / {} ({rate:.0} pages a second)",
                ms(at(&times, 0.5)),
                ms(at(&times, 0.99)),
                ms(at(&times, 1.0))
            ),
        ));
    }
    Ok(rows)
}

/// `times`' quantile `q` (sorted).
fn at(times: &[Duration], q: f64) -> Duration {
    times[((times.len() as f64 * q) as usize).min(times.len() - 1)]
}

/// `reads` GETs of `url` by `clients` clients at once; each answer's time,
/// sorted.
async fn under_load(
    client: &reqwest::Client,
    url: &str,
    session: Option<&str>,
    clients: usize,
    reads: usize,
) -> anyhow::Result<Vec<Duration>> {
    let left = Arc::new(std::sync::atomic::AtomicUsize::new(reads));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, left) = (client.clone(), url.to_string(), left.clone());
        let cookie = session.map(|t| format!("guildhall_session={t}"));
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while left
                .fetch_update(
                    std::sync::atomic::Ordering::SeqCst,
                    std::sync::atomic::Ordering::SeqCst,
                    |n| n.checked_sub(1),
                )
                .is_ok()
            {
                let mut request = client.get(&url);
                if let Some(cookie) = &cookie {
                    request = request.header("cookie", cookie);
                }
                let began = Instant::now();
                let body = request.send().await?.error_for_status()?.text().await?;
                times.push(began.elapsed());
                anyhow::ensure!(body.contains("Post number"), "not the community page");
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut times = Vec::with_capacity(reads);
    for task in tasks {
        times.extend(task.await.context("a client")??);
    }
    times.sort();
    Ok(times)
}
