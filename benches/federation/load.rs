//! Load generation over real HTTP: a fixed set of prepared (pre-signed)
//! requests spread over concurrent clients, or a steady stream of requests
//! for a duration; latency is measured from sending to the last byte of the
//! answer, and every status is counted.

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

/// A request ready to send: URL, headers (signature included) and body.
pub struct Prepared {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What a run measured.
#[derive(Default)]
pub struct Outcome {
    pub elapsed: Duration,
    /// Sorted once the run ends.
    pub latencies: Vec<Duration>,
    pub statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer (connection or timeout errors).
    pub errors: u64,
    /// The first unexpected answer or error, for the report.
    pub first_problem: Option<String>,
}

impl Outcome {
    /// Requests answered (whatever the status).
    pub fn answered(&self) -> usize {
        self.latencies.len()
    }

    /// Answers per second over the whole run.
    pub fn per_sec(&self) -> f64 {
        self.answered() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile of latency (0.5, 0.99).
    pub fn percentile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        self.latencies[index.min(self.latencies.len() - 1)]
    }

    /// Answers with another status than `expected`, plus errors.
    pub fn unexpected(&self, expected: u16) -> u64 {
        self.statuses
            .iter()
            .filter(|(status, _)| **status != expected)
            .map(|(_, n)| n)
            .sum::<u64>()
            + self.errors
    }

    /// The statuses as `202×10000` or `202×9990, 401×10`.
    pub fn status_summary(&self) -> String {
        let mut parts: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, n)| format!("{status}×{n}"))
            .collect();
        if self.errors > 0 {
            parts.push(format!("errors×{}", self.errors));
        }
        parts.join(", ")
    }

    fn merge(&mut self, other: Outcome) {
        self.latencies.extend(other.latencies);
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.errors += other.errors;
        if self.first_problem.is_none() {
            self.first_problem = other.first_problem;
        }
    }

    async fn record(
        &mut self,
        result: reqwest::Result<reqwest::Response>,
        started: Instant,
        expected: u16,
    ) {
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.bytes().await.unwrap_or_default();
                self.latencies.push(started.elapsed());
                *self.statuses.entry(status).or_default() += 1;
                if status != expected && self.first_problem.is_none() {
                    let text: String = String::from_utf8_lossy(&body).chars().take(300).collect();
                    self.first_problem = Some(format!("{status}: {text}"));
                }
            }
            Err(err) => {
                self.errors += 1;
                if self.first_problem.is_none() {
                    self.first_problem = Some(format!("error: {err}"));
                }
            }
        }
    }
}

/// POSTs every prepared request once, from `concurrency` clients at a time.
pub async fn fire(
    client: &reqwest::Client,
    requests: Vec<Prepared>,
    concurrency: usize,
    expected: u16,
) -> Outcome {
    let concurrency = concurrency.max(1);
    let mut lanes: Vec<Vec<Prepared>> = (0..concurrency).map(|_| Vec::new()).collect();
    for (i, request) in requests.into_iter().enumerate() {
        lanes[i % concurrency].push(request);
    }
    let started = Instant::now();
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|lane| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut out = Outcome::default();
                for request in lane {
                    let mut builder = client.post(&request.url).body(request.body);
                    for (name, value) in request.headers {
                        builder = builder.header(name, value);
                    }
                    let sent = Instant::now();
                    let result = builder.send().await;
                    out.record(result, sent, expected).await;
                }
                out
            })
        })
        .collect();
    collect(tasks, started).await
}

/// Sends requests built by `make` from `concurrency` clients for `duration`.
pub async fn sustain<F>(
    client: &reqwest::Client,
    concurrency: usize,
    duration: Duration,
    expected: u16,
    make: F,
) -> Outcome
where
    F: Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let client = client.clone();
            let make = make.clone();
            tokio::spawn(async move {
                let mut out = Outcome::default();
                while started.elapsed() < duration {
                    let sent = Instant::now();
                    let result = make(&client).send().await;
                    out.record(result, sent, expected).await;
                }
                out
            })
        })
        .collect();
    collect(tasks, started).await
}

async fn collect(tasks: Vec<tokio::task::JoinHandle<Outcome>>, started: Instant) -> Outcome {
    let mut total = Outcome::default();
    for task in tasks {
        match task.await {
            Ok(out) => total.merge(out),
            Err(err) => {
                total.errors += 1;
                total
                    .first_problem
                    .get_or_insert(format!("client task: {err}"));
            }
        }
    }
    total.elapsed = started.elapsed();
    total.latencies.sort_unstable();
    total
}

/// A duration in milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Prepares one request per job with `sign`, the jobs split over `threads`
/// threads (RSA signing is what takes the time).
pub async fn sign_all<J, F>(jobs: Vec<J>, threads: usize, sign: F) -> anyhow::Result<Vec<Prepared>>
where
    J: Send + Sync + 'static,
    F: Fn(&J) -> anyhow::Result<Prepared> + Send + Sync + 'static,
{
    tokio::task::spawn_blocking(move || {
        let chunk = jobs.len().div_ceil(threads.max(1)).max(1);
        let sign = &sign;
        std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || part.iter().map(sign).collect::<anyhow::Result<Vec<_>>>())
                })
                .collect();
            let mut all = Vec::with_capacity(jobs.len());
            for handle in handles {
                all.extend(
                    handle
                        .join()
                        .map_err(|_| anyhow::anyhow!("a signing thread panicked"))??,
                );
            }
            Ok(all)
        })
    })
    .await?
}

/// A POST of the activity `body` to `inbox`, signed with `key` (draft-cavage,
/// as Mastodon signs).
pub fn signed_post(
    inbox: &url::Url,
    body: &serde_json::Value,
    key: &guildhall::signature::SigningKey,
) -> anyhow::Result<Prepared> {
    let body = body.to_string().into_bytes();
    let mut headers = guildhall::signature::sign_request("POST", inbox, Some(&body), key)?;
    headers.push(("content-type".into(), "application/activity+json".into()));
    Ok(Prepared {
        url: inbox.to_string(),
        headers,
        body,
    })
}
