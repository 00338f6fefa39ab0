//! `cargo bench --bench directory`: directory search latency with a large
//! directory, printed as one Markdown table.
//!
//! One Guildhall instance (dev mode, booted as `serve` boots, on a
//! throw-away PostgreSQL database) whose directory holds
//! `GUILDHALL_BENCH_DIRECTORY` partner communities (default 10,000), taken
//! in through the same path as a partner's announcements
//! (`services::directory::receive_listing`): charters of 20 to 60 words
//! drawn from a vocabulary of 400, 1 to 4 of 60 topics, a stage, one of 40
//! organisations, English, German, French or an unstemmed language, and
//! practices with weekly, monthly or online meetings. The planner's
//! statistics are then gathered (`ANALYZE`), as autovacuum would after
//! such growth (`GUILDHALL_BENCH_ANALYZE=0`: not). Then each kind of
//! search is sent `GUILDHALL_BENCH_DIRECTORY_READS` times (default 300),
//! one after the other, over HTTP (`GET /api/v1/directory?…`), and its
//! latency reported as p50 / p99.

#[path = "federation/db.rs"]
mod db;
#[path = "federation/statistics.rs"]
mod statistics;
#[path = "federation/table.rs"]
mod table;

use table::{env, ms};

use anyhow::{Context as _, anyhow};
use chrono::Utc;
use guildhall::{
    domain::charter::{Charter, Practice, Stage},
    services::{self, directory::Listing},
};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    table::run(run())
}

/// A pronounceable made-up word for `n` (the vocabulary).
fn word(n: usize) -> String {
    const ONSETS: [&str; 20] = [
        "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br",
        "st", "tr",
    ];
    const VOWELS: [&str; 5] = ["a", "e", "i", "o", "u"];
    let mut out = String::new();
    let mut rest = n + 20;
    while rest > 0 {
        out.push_str(ONSETS[rest % 20]);
        out.push_str(VOWELS[(rest / 20) % 5]);
        rest /= 100;
    }
    out
}

fn listing(rng: &mut StdRng, n: usize, vocabulary: &[String]) -> Listing {
    let words = |rng: &mut StdRng, count: usize| -> String {
        (0..count)
            .map(|_| vocabulary.choose(rng).cloned().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let host = format!("partner{}.test", n % 25);
    let name = format!("guild{n}");
    let (cadence, place) = match n % 3 {
        0 => ("every Tuesday", "Room 4"),
        1 => ("monthly", "https://video.example/room"),
        _ => ("every second Thursday", "online call"),
    };
    let purpose_len = rng.gen_range(12..40);
    let charter = Charter {
        domain: Some(words(rng, 4)),
        topics: (0..rng.gen_range(1..=4))
            .map(|_| format!("topic{}", rng.gen_range(0..60)))
            .collect(),
        purpose: words(rng, purpose_len),
        audience: Some(words(rng, 8)),
        practices: vec![Practice {
            name: words(rng, 2),
            description: Some(words(rng, 10)),
            cadence: Some(cadence.into()),
            r#where: Some(place.into()),
        }],
        stage: Some(
            [
                Stage::Forming,
                Stage::Active,
                Stage::Dormant,
                Stage::Archived,
            ][n % 4],
        ),
        organisations: vec![format!("Org {}", n % 40)],
        languages: vec![["en", "de", "fr", "tlh"][n % 4].into()],
        ..Charter::default()
    };
    Listing {
        ap_id: format!("https://{host}/c/{name}"),
        handle: format!("{name}@{host}"),
        host,
        title: format!("The {} guild", vocabulary[n % vocabulary.len()]),
        summary: words(rng, 20),
        charter,
        charter_version: 1,
        charter_changed_at: Utc::now(),
        member_count: rng.gen_range(0..500),
        next_event_at: None,
        last_activity_at: None,
    }
}

async fn run() -> anyhow::Result<Vec<(String, String)>> {
    let communities = env("GUILDHALL_BENCH_DIRECTORY", 10_000);
    let reads = env("GUILDHALL_BENCH_DIRECTORY_READS", 300);
    let db = db::BenchDb::new("directory");
    let (state, port) = table::boot("directory", &db.url, |_| {}).await?;

    eprintln!("listing {communities} partner communities …");
    let vocabulary: Vec<String> = (0..400).map(word).collect();
    let mut rng = StdRng::seed_from_u64(10);
    let began = Instant::now();
    for n in 0..communities {
        let listing = listing(&mut rng, n, &vocabulary);
        let host = listing.host.clone();
        services::directory::receive_listing(&state, &host, listing)
            .await
            .map_err(|e| anyhow!("list {n}: {e}"))?;
    }
    let seeding = began.elapsed();
    // Searches are measured on a directory in its steady state: with the
    // statistics autovacuum would have gathered after 10,000 entries.
    let statistics = statistics::gather(&state.pool).await?;
    let stored = db::count_rows(&state.pool, "directory_entries").await?;
    anyhow::ensure!(
        stored == i64::try_from(communities)?,
        "{stored} entries stored, not {communities}"
    );
    let mut rows = vec![(
        format!("taking in {communities} partner communities (one after the other)"),
        format!(
            "{} ({:.2} ms each)",
            ms(seeding),
            seeding.as_secs_f64() * 1000.0 / communities as f64
        ),
    )];
    rows.push(statistics);
    let client = reqwest::Client::builder().no_proxy().build()?;
    let base = format!("http://127.0.0.1:{port}/api/v1/directory");
    let w = |n: usize| vocabulary[n].clone();
    let kinds: Vec<(&str, Vec<String>)> = vec![
        (
            "one word",
            (0..reads).map(|i| format!("q={}", w(i % 400))).collect(),
        ),
        (
            "two words",
            (0..reads)
                .map(|i| format!("q={}+{}", w(i % 400), w((i * 7 + 3) % 400)))
                .collect(),
        ),
        (
            "a phrase (two words in quotes)",
            (0..reads)
                .map(|i| format!("q=%22{}+{}%22", w(i % 400), w((i * 13 + 5) % 400)))
                .collect(),
        ),
        (
            "one word + topic + stage",
            (0..reads)
                .map(|i| format!("q={}&topic=topic{}&stage=active", w(i % 400), i % 60))
                .collect(),
        ),
        (
            "filters only (topic, lang, cadence)",
            (0..reads)
                .map(|i| format!("topic=topic{}&lang=en&cadence=weekly", i % 60))
                .collect(),
        ),
        (
            "one word, page 3",
            (0..reads)
                .map(|i| format!("q={}&page=3", w(i % 400)))
                .collect(),
        ),
        (
            "one word, a page past the end (page 500)",
            (0..reads)
                .map(|i| format!("q={}&page=500", w(i % 400)))
                .collect(),
        ),
        (
            "like this one",
            (0..reads)
                .map(|i| {
                    format!(
                        "like=guild{}@partner{}.test",
                        i * 31 % communities,
                        i * 31 % communities % 25
                    )
                })
                .collect(),
        ),
        (
            "no query (first page)",
            (0..reads).map(|_| String::new()).collect(),
        ),
    ];
    let mut all = Vec::new();
    for (kind, queries) in kinds {
        let mut times = Vec::with_capacity(queries.len());
        let mut results = 0usize;
        for query in &queries {
            let began = Instant::now();
            let body = client
                .get(format!("{base}?{query}"))
                .send()
                .await?
                .error_for_status()
                .with_context(|| format!("{kind}: {query}"))?
                .text()
                .await?;
            times.push(began.elapsed());
            results += body.matches("\"ap_id\"").count();
        }
        times.sort();
        all.extend(times.iter().copied());
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        rows.push((
            format!(
                "search, {kind}, {} reads ({:.1} results a page): p50 / p99",
                queries.len(),
                results as f64 / queries.len() as f64
            ),
            format!("{} / {}", ms(at(0.5)), ms(at(0.99))),
        ));
    }
    all.sort();
    let at = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    rows.push((
        format!("search, all kinds together, {} reads: p50 / p99", all.len()),
        format!("{} / {}", ms(at(0.5)), ms(at(0.99))),
    ));
    Ok(rows)
}
