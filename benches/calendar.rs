//! `cargo bench --bench calendar`: what events cost as a community and an
//! instance grow, printed as one Markdown table.
//!
//! One Guildhall instance (dev mode, booted as `serve` boots, on a
//! throw-away PostgreSQL database) with:
//!
//! - a community with `GUILDHALL_BENCH_EVENTS` one-off events (default
//!   500): `GET /c/<name>/events.ics` is read `GUILDHALL_BENCH_ICS_READS`
//!   times (default 200), one after the other, and its latency reported;
//! - `GUILDHALL_BENCH_SERIES` communities (default 1,000), each with one
//!   series every second Tuesday: the periodic top-up
//!   (`services::event::series::top_up`) is timed when it has nothing to
//!   add, and when two weeks have passed and every series needs its next
//!   occurrence (each one published through the federation translator).

#[path = "federation/db.rs"]
mod db;
#[path = "federation/table.rs"]
mod table;

use table::{env, ms};

use anyhow::{Context as _, anyhow};
use chrono::{Duration as Days, NaiveDateTime, Utc};
use guildhall::{
    db::person::PersonRow,
    services::{
        self, AppState,
        community::NewCommunityInput,
        event::{draft::EventInput, series, store},
    },
};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    table::run(run())
}

/// A session two hours long at `start` (local time in Berlin).
fn session(start: NaiveDateTime, rrule: Option<&str>) -> EventInput {
    EventInput {
        title: "Design clinic".into(),
        description: "Bring a **design**; we model threats together.".into(),
        start,
        end: start + Days::hours(2),
        timezone: "Europe/Berlin".into(),
        online_url: Some("https://video.example/clinic".into()),
        rrule: rrule.map(str::to_string),
        ..EventInput::default()
    }
}

async fn community(
    state: &AppState,
    owner: &PersonRow,
    name: &str,
) -> anyhow::Result<guildhall::db::community::CommunityRow> {
    let input = NewCommunityInput {
        name: name.into(),
        title: None,
        summary: None,
        visibility: Default::default(),
        posting_policy: Default::default(),
        charter: None,
    };
    let view = services::community::create_community(state, owner, input)
        .await
        .map_err(|e| anyhow!("create {name}: {e}"))?;
    Ok(view.row)
}

async fn run() -> anyhow::Result<Vec<(String, String)>> {
    let events = env("GUILDHALL_BENCH_EVENTS", 500);
    let reads = env("GUILDHALL_BENCH_ICS_READS", 200);
    let communities = env("GUILDHALL_BENCH_SERIES", 1_000);
    let db = db::BenchDb::new("calendar");
    let (state, port) = table::boot("calendar", &db.url, |_| {}).await?;
    services::account::create_user(&state, "alice", "correct horse battery", false)
        .await
        .map_err(|e| anyhow!("create user: {e}"))?;
    let mut conn = state.pool.get().await?;
    let alice = guildhall::db::person::find_local(&mut conn, "alice")
        .await?
        .context("alice")?;
    drop(conn);
    let mut rows = Vec::new();

    eprintln!("creating {events} events …");
    let guild = community(&state, &alice, "bench").await?;
    let first = Utc::now()
        .naive_utc()
        .date()
        .and_hms_opt(9, 0, 0)
        .context("time")?
        + Days::days(1);
    for n in 0..events {
        let start = first + Days::days(i64::try_from(n)?);
        store::create(&state, &alice, &guild, session(start, None))
            .await
            .map_err(|e| anyhow!("create event: {e}"))?;
    }
    let stored = db::count_rows(&state.pool, "events").await?;
    anyhow::ensure!(
        stored == i64::try_from(events)?,
        "{stored} events stored, not {events}"
    );
    let client = reqwest::Client::builder().no_proxy().build()?;
    let url = format!("http://127.0.0.1:{port}/c/bench/events.ics");
    let mut times = Vec::with_capacity(reads);
    let mut bytes = 0;
    for _ in 0..reads {
        let began = Instant::now();
        let body = client
            .get(&url)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        times.push(began.elapsed());
        bytes = body.len();
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    rows.push((
        format!(
            "`GET /c/bench/events.ics`, {events} events ({} KiB), {reads} reads: p50 / p99",
            bytes / 1024
        ),
        format!("{} / {}", ms(at(0.5)), ms(at(0.99))),
    ));

    eprintln!("creating {communities} communities with a series each …");
    let series_start = first;
    for n in 0..communities {
        let guild = community(&state, &alice, &format!("guild{n}")).await?;
        store::create(
            &state,
            &alice,
            &guild,
            session(series_start, Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")),
        )
        .await
        .map_err(|e| anyhow!("create series: {e}"))?;
    }
    let began = Instant::now();
    let added = series::top_up(&state, Utc::now())
        .await
        .map_err(|e| anyhow!("{e}"))?;
    rows.push((
        format!("series top-up, {communities} series, nothing to add ({added} added)"),
        ms(began.elapsed()),
    ));
    let later = Utc::now() + Days::days(15);
    let began = Instant::now();
    let added = series::top_up(&state, later)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let took = began.elapsed();
    let stored = db::count_rows(&state.pool, "events").await?;
    anyhow::ensure!(
        stored == i64::try_from(events + 5 * communities + added)?,
        "{stored} events: not the one-off events, the series with 4 occurrences each, and {added} more"
    );
    anyhow::ensure!(
        added >= communities,
        "{added} added, not at least one per series"
    );
    rows.push((
        format!("series top-up two weeks later: {added} occurrences added (each published; no followers here)"),
        format!(
            "{} ({:.0} µs per occurrence)",
            ms(took),
            took.as_secs_f64() * 1e6 / added.max(1) as f64
        ),
    ));
    Ok(rows)
}
