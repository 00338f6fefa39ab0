//! Hostile load on one instance: what unauthenticated attackers can cost.
//! Deeply nested activities POSTed unsigned to the shared inbox (answer
//! time per depth), and a flood of wrong-password sign-ins while another
//! client reads a community (the reader's latency, the flood's answers).

use guildhall::services::{AppState, account};
use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

/// `Announce{Undo{…}}` nested `depth` levels around an invalid object.
fn nested(depth: usize) -> String {
    let mut body = r#"{"type":"Bogus"}"#.to_string();
    for level in 0..depth {
        let kind = if level % 2 == 0 { "Undo" } else { "Announce" };
        body = format!(
            r#"{{"id":"http://x.test/{level}","type":"{kind}","actor":"http://x.test/a","object":{body}}}"#
        );
    }
    body
}

/// The slowest of `tries` answers to a nested payload of `depth`, and its status.
pub async fn nested_payload(
    client: &reqwest::Client,
    inbox: &str,
    depth: usize,
    tries: usize,
) -> anyhow::Result<(Duration, u16)> {
    let body = nested(depth);
    let mut slowest = (Duration::ZERO, 0);
    for _ in 0..tries {
        let started = Instant::now();
        let res = client
            .post(inbox)
            .header("content-type", "application/activity+json")
            .body(body.clone())
            .send()
            .await?;
        let status = res.status().as_u16();
        let _ = res.bytes().await;
        let took = started.elapsed();
        if took > slowest.0 {
            slowest = (took, status);
        }
    }
    Ok(slowest)
}

/// What a sign-in flood did.
pub struct Flood {
    /// The reader's latencies, sorted.
    pub reads: Vec<Duration>,
    /// Reads that did not answer 200.
    pub failed_reads: usize,
    /// Statuses of the flood's answers.
    pub statuses: BTreeMap<u16, usize>,
    pub elapsed: Duration,
}

impl Flood {
    /// The `q` quantile of the reader's latency.
    pub fn read_percentile(&self, q: f64) -> Duration {
        if self.reads.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.reads.len() - 1) as f64 * q).round() as usize;
        self.reads[index]
    }
}

/// `attempts` parallel wrong-password sign-ins for a real user while one
/// client GETs `read_url` in a loop until the flood is answered.
pub async fn sign_in_flood(
    state: &AppState,
    client: &reqwest::Client,
    base: &str,
    read_url: &str,
    attempts: usize,
) -> anyhow::Result<Flood> {
    account::create_user(state, "flooded", "the right password", false)
        .await
        .map_err(|e| anyhow::anyhow!("create the flooded user: {e}"))?;
    let started = Instant::now();
    let flood: Vec<_> = (0..attempts)
        .map(|_| {
            let client = client.clone();
            let url = format!("{base}/api/v1/session");
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(r#"{"username":"flooded","password":"a wrong password"}"#)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    let reader = {
        let client = client.clone();
        let url = read_url.to_string();
        let done = flood.iter().map(|t| t.abort_handle()).collect::<Vec<_>>();
        tokio::spawn(async move {
            let mut reads = Vec::new();
            let mut failed = 0;
            while done.iter().any(|t| !t.is_finished()) || reads.len() < 20 {
                let started = Instant::now();
                match client
                    .get(&url)
                    .header("accept", "application/activity+json")
                    .send()
                    .await
                {
                    Ok(res) if res.status() == 200 => {
                        let _ = res.bytes().await;
                        reads.push(started.elapsed());
                    }
                    _ => failed += 1,
                }
            }
            (reads, failed)
        })
    };
    let mut statuses = BTreeMap::new();
    for task in flood {
        *statuses.entry(task.await?).or_default() += 1;
    }
    let elapsed = started.elapsed();
    let (mut reads, failed_reads) = reader.await?;
    reads.sort();
    Ok(Flood {
        reads,
        failed_reads,
        statuses,
        elapsed,
    })
}
