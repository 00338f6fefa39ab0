//! Prometheus metrics on `prometheus-client`: counters bumped as things
//! happen (HTTP requests by route pattern and status, inbox activities by
//! type and outcome, delivery attempts by outcome) and gauges read from the
//! database and the pool each time `/metrics` is scraped (queue depth and
//! oldest age per instance, dead letters, pool usage, totals).
//!
//! Label values are bounded: routes are patterns (`/c/{name}`, or
//! `unmatched`), activity types come from our own enum, instances are the
//! domains we queued deliveries for.

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, info::Info},
    registry::Registry,
};
use std::sync::{Mutex, atomic::AtomicU64};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InboxLabels {
    r#type: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InstanceLabels {
    instance: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

/// What happened to a processed incoming activity.
#[derive(Clone, Copy, Debug)]
pub enum InboxOutcome {
    /// Applied.
    Processed,
    /// Refused for good (invalid or not allowed).
    Refused,
    /// Failed for now; tried again later.
    Retried,
    /// Given up and kept as a dead letter.
    DeadLettered,
}

/// What happened to one delivery attempt.
#[derive(Clone, Copy, Debug)]
pub enum DeliveryOutcome {
    /// The remote inbox accepted it.
    Delivered,
    /// Failed for now; rescheduled with backoff.
    Retried,
    /// Failed for good, or retried for too long: dropped.
    GivenUp,
}

/// What the database says at scrape time.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub deliveries_pending: i64,
    pub incoming_pending: i64,
    pub incoming_dead: i64,
    pub local_communities: i64,
    pub local_people: i64,
    pub known_instances: i64,
    /// Per remote instance: (domain, queued deliveries, age of the oldest in seconds).
    pub queues: Vec<(String, i64, f64)>,
    /// Pool connections: open, idle, most allowed, requests waiting.
    pub pool_size: i64,
    pub pool_idle: i64,
    pub pool_max: i64,
    pub pool_waiting: i64,
}

/// Every metric, registered once per process.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    inbox: Family<InboxLabels, Counter>,
    deliveries: Family<OutcomeLabels, Counter>,
    queue_depth: Family<InstanceLabels, Gauge>,
    queue_oldest: Family<InstanceLabels, Gauge<f64, AtomicU64>>,
    pool: Family<PoolLabels, Gauge>,
    totals: [Gauge; 8],
}

/// Names and help of the plain gauges, in `Metrics::totals` order.
const TOTALS: [(&str, &str); 8] = [
    (
        "guildhall_deliveries_pending",
        "Outgoing deliveries waiting in the queue.",
    ),
    (
        "guildhall_incoming_pending",
        "Received activities not processed yet.",
    ),
    (
        "guildhall_incoming_dead",
        "Received activities that kept failing and were given up (dead letters).",
    ),
    ("guildhall_local_communities", "Communities hosted here."),
    ("guildhall_local_people", "Local accounts."),
    ("guildhall_known_instances", "Other instances we know."),
    (
        "guildhall_db_pool_max_connections",
        "Most database connections the pool opens.",
    ),
    (
        "guildhall_db_pool_waiting",
        "Requests waiting for a database connection.",
    ),
];

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        registry.register(
            "guildhall_build",
            "Version of this build.",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        let metrics = Metrics {
            registry: Mutex::new(Registry::default()),
            requests: Family::default(),
            inbox: Family::default(),
            deliveries: Family::default(),
            queue_depth: Family::default(),
            queue_oldest: Family::default(),
            pool: Family::default(),
            totals: Default::default(),
        };
        registry.register(
            "guildhall_http_requests",
            "HTTP requests answered, by route pattern and status.",
            metrics.requests.clone(),
        );
        registry.register(
            "guildhall_inbox_activities",
            "Incoming activities processed, by type and outcome \
             (processed, refused, retried, dead_lettered).",
            metrics.inbox.clone(),
        );
        registry.register(
            "guildhall_delivery_attempts",
            "Delivery attempts by outcome (delivered, retried, given_up).",
            metrics.deliveries.clone(),
        );
        registry.register(
            "guildhall_delivery_queue_depth",
            "Deliveries queued per remote instance.",
            metrics.queue_depth.clone(),
        );
        registry.register(
            "guildhall_delivery_queue_oldest_seconds",
            "Age of the oldest queued delivery per remote instance.",
            metrics.queue_oldest.clone(),
        );
        registry.register(
            "guildhall_db_pool_connections",
            "Open database connections, in use or idle.",
            metrics.pool.clone(),
        );
        for ((name, help), gauge) in TOTALS.iter().zip(&metrics.totals) {
            registry.register(*name, *help, gauge.clone());
        }
        *metrics.registry.lock().unwrap_or_else(|e| e.into_inner()) = registry;
        metrics
    }
}

impl Metrics {
    /// Counts an answered request by its route pattern (or `unmatched`).
    pub fn request(&self, route: Option<&str>, status: u16) {
        let route = route.unwrap_or("unmatched").to_string();
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
    }

    /// Counts a processed incoming activity of type `kind`.
    pub fn inbox(&self, kind: &str, outcome: InboxOutcome) {
        let outcome = match outcome {
            InboxOutcome::Processed => "processed",
            InboxOutcome::Refused => "refused",
            InboxOutcome::Retried => "retried",
            InboxOutcome::DeadLettered => "dead_lettered",
        };
        self.inbox
            .get_or_create(&InboxLabels {
                r#type: kind.to_string(),
                outcome,
            })
            .inc();
    }

    /// Counts a delivery attempt.
    pub fn delivery(&self, outcome: DeliveryOutcome) {
        let outcome = match outcome {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Retried => "retried",
            DeliveryOutcome::GivenUp => "given_up",
        };
        self.deliveries
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// The Prometheus text exposition with `snapshot`'s gauges.
    pub fn render(&self, snapshot: &Snapshot) -> String {
        // One scrape at a time: the per-instance gauges are rebuilt.
        let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        let values = [
            snapshot.deliveries_pending,
            snapshot.incoming_pending,
            snapshot.incoming_dead,
            snapshot.local_communities,
            snapshot.local_people,
            snapshot.known_instances,
            snapshot.pool_max,
            snapshot.pool_waiting,
        ];
        for (gauge, value) in self.totals.iter().zip(values) {
            gauge.set(value);
        }
        self.queue_depth.clear();
        self.queue_oldest.clear();
        for (instance, depth, oldest) in &snapshot.queues {
            let labels = InstanceLabels {
                instance: instance.clone(),
            };
            self.queue_depth.get_or_create(&labels).set(*depth);
            self.queue_oldest.get_or_create(&labels).set(*oldest);
        }
        let idle = snapshot.pool_idle.max(0);
        self.pool
            .get_or_create(&PoolLabels { state: "idle" })
            .set(idle);
        self.pool
            .get_or_create(&PoolLabels { state: "in_use" })
            .set((snapshot.pool_size - idle).max(0));
        let mut out = String::new();
        let _ = encode(&mut out, &registry);
        out
    }
}
