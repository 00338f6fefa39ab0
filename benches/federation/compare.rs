//! `LEMMY_BIN=<lemmy_server> cargo bench --bench federation` (what
//! `scripts/compare-lemmy` runs; not part of CI): issue 15's side-by-side
//! comparison with Lemmy, in one run on one PostgreSQL server. Each side
//! gets the same end-to-end load in turn, on a fresh database with its own
//! followers' sink: 5,000 signed Mastodon-shaped toots from 200 followers
//! over 32 connections, timed until every toot is stored and announced
//! back (`end_to_end::measure`); then its community's actor document and
//! WebFinger are read by 50 clients (`GUILDHALL_BENCH_READ_CLIENTS`), as
//! `wrk -c50` did. Guildhall is `guildhall serve` of this build; Lemmy is
//! the binary `LEMMY_BIN` names (see `lemmy` for how it runs).

use super::{
    Config, KEYS, Report, end_to_end,
    end_to_end::{COMMUNITY, Followers},
    generate_keys, lemmy, read_phase,
};
use std::path::PathBuf;

/// Runs both sides; a report for each, named after its software.
pub async fn run(lemmy_bin: PathBuf, config: Config) -> anyhow::Result<Vec<(String, Report)>> {
    guildhall::startup::install_crypto_provider();
    let mut config = config;
    if std::env::var_os("GUILDHALL_BENCH_READ_CLIENTS").is_none() {
        config.read_clients = 50;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!("generating {KEYS} RSA key pairs for remote actors …");
    let keys = generate_keys(KEYS).await?;
    let mut columns = Vec::new();

    let mut report = Report::default();
    let followers = Followers::start(&keys, cores)?;
    let (gamma, target) = end_to_end::guildhall(&followers, 0, &mut report).await?;
    end_to_end::measure(&target, &followers, config.toots, cores, &mut report).await?;
    read_phase(&config, &target.domain, COMMUNITY, &mut report).await?;
    drop(gamma);
    columns.push((target.software.clone(), report));

    let mut report = Report::default();
    let followers = Followers::start(&keys, cores)?;
    let (server, target) = lemmy::start(&lemmy_bin, &followers).await?;
    end_to_end::measure(&target, &followers, config.toots, cores, &mut report).await?;
    read_phase(&config, &target.domain, COMMUNITY, &mut report).await?;
    eprintln!("lemmy: its log is {}", server.log.display());
    drop(server);
    columns.push((target.software.clone(), report));
    Ok(columns)
}
