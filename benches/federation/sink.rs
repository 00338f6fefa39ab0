//! The "remote" side of the benchmark: one in-process actix-web server that
//! answers for many host names by their `Host` header, all on its own port.
//! It also works as a plain HTTP proxy (requests in absolute form), which
//! is how Lemmy, resolving names by DNS, reaches the `.test` hosts in the
//! side-by-side comparison.
//!
//! - `GET http://peerN.test:<port>/users/<name>`: the `Person` document of a
//!   remote actor (with its `publicKey` PEM and a shared inbox), which the
//!   instance fetches the first time that actor signs something.
//! - `POST http://iK.test:<port>/inbox` (or a personal `…/inbox`): a shared
//!   inbox. Every request's HTTP signature is checked
//!   (`parse_request_signature`, then `verify` with the sending group's
//!   public key) and requests are counted per host.
//! - Anything else is 404: NodeInfo probes (the peers' software stays
//!   unknown) and the rest are counted apart.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, http::Method, web};
use guildhall::signature::parse_request_signature;
use serde_json::{Value, json};
use std::{
    collections::{BTreeMap, HashMap},
    net::TcpListener,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

/// The key deliveries must be signed with (the publishing group's).
pub struct ExpectedSigner {
    pub key_id: String,
    pub public_pem: String,
}

/// Deliveries received on shared inboxes.
#[derive(Default)]
pub struct Deliveries {
    /// Requests per host name (without port).
    pub per_host: HashMap<String, u32>,
    /// Requests per activity shape, e.g. `Announce{Create}`.
    pub shapes: BTreeMap<String, u32>,
    /// Requests per announced object (its id, or the embedded object's).
    pub objects: HashMap<String, u32>,
    /// When the latest request arrived.
    pub last_at: Option<Instant>,
}

/// What the sink serves and what it saw.
pub struct SinkState {
    /// Remote actor id → public key PEM.
    actors: HashMap<String, String>,
    pub signer: OnceLock<ExpectedSigner>,
    pub deliveries: Mutex<Deliveries>,
    pub verify_failures: AtomicU64,
    pub first_failure: Mutex<Option<String>>,
    pub actor_fetches: AtomicU64,
    pub nodeinfo_probes: AtomicU64,
    pub other_requests: AtomicU64,
}

impl SinkState {
    /// A sink serving `actors` (id → public key PEM).
    pub fn new(actors: HashMap<String, String>) -> SinkState {
        SinkState {
            actors,
            signer: OnceLock::new(),
            deliveries: Mutex::default(),
            verify_failures: AtomicU64::new(0),
            first_failure: Mutex::default(),
            actor_fetches: AtomicU64::new(0),
            nodeinfo_probes: AtomicU64::new(0),
            other_requests: AtomicU64::new(0),
        }
    }

    fn receive(&self, req: &HttpRequest, body: &[u8]) -> HttpResponse {
        let host = req
            .headers()
            .get("host")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let host_name = host.split(':').next().unwrap_or_default().to_string();
        let verdict = self.check_signature(req, body);
        let (shape, object) = shape(body);
        if let Ok(mut seen) = self.deliveries.lock() {
            *seen.per_host.entry(host_name).or_default() += 1;
            *seen.shapes.entry(shape).or_default() += 1;
            *seen.objects.entry(object).or_default() += 1;
            seen.last_at = Some(Instant::now());
        }
        match verdict {
            Ok(()) => HttpResponse::Accepted().finish(),
            Err(why) => {
                self.verify_failures.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut first) = self.first_failure.lock() {
                    first.get_or_insert(why);
                }
                HttpResponse::Unauthorized().finish()
            }
        }
    }

    fn check_signature(&self, req: &HttpRequest, body: &[u8]) -> Result<(), String> {
        let signer = self
            .signer
            .get()
            .ok_or("a delivery arrived before the group existed")?;
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in req.headers() {
            if let Ok(value) = value.to_str() {
                headers
                    .entry(name.as_str().to_ascii_lowercase())
                    .and_modify(|v| {
                        v.push_str(", ");
                        v.push_str(value);
                    })
                    .or_insert_with(|| value.to_string());
            }
        }
        let path = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let pending = parse_request_signature(
            "POST",
            path,
            &headers,
            Some(body),
            chrono::Utc::now(),
            "http",
        )
        .map_err(|e| e.to_string())?;
        if pending.key_id() != signer.key_id {
            return Err(format!("signed with {}", pending.key_id()));
        }
        pending
            .verify(&signer.public_pem)
            .map_err(|e| e.to_string())
    }
}

/// `Announce{Create}` or `Announce{<id>}`: what kind of activity came in,
/// and the id of its object.
fn shape(body: &[u8]) -> (String, String) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return ("unreadable".into(), String::new());
    };
    let kind = value["type"].as_str().unwrap_or("?");
    let (inner, id) = match &value["object"] {
        Value::String(id) => ("<id>".to_string(), id.clone()),
        object => (
            object["type"].as_str().unwrap_or("?").to_string(),
            object["id"].as_str().unwrap_or_default().to_string(),
        ),
    };
    (format!("{kind}{{{inner}}}"), id)
}

/// A remote `Person` document.
fn person(id: &str, public_pem: &str) -> Value {
    let (base, name) = id.rsplit_once("/users/").unwrap_or((id, "someone"));
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "type": "Person",
        "id": id,
        "preferredUsername": name,
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "endpoints": {"sharedInbox": format!("{base}/inbox")},
        "publicKey": {
            "id": format!("{id}#main-key"),
            "owner": id,
            "publicKeyPem": public_pem,
        },
    })
}

async fn handle(req: HttpRequest, body: web::Bytes, state: web::Data<SinkState>) -> HttpResponse {
    let host = req
        .headers()
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let path = req.path();
    if req.method() == Method::POST && path.ends_with("/inbox") {
        return state.receive(&req, &body);
    }
    if req.method() == Method::GET && path.starts_with("/users/") {
        let id = format!("http://{host}{path}");
        if let Some(pem) = state.actors.get(&id) {
            state.actor_fetches.fetch_add(1, Ordering::Relaxed);
            return HttpResponse::Ok()
                .content_type("application/activity+json")
                .body(person(&id, pem).to_string());
        }
    }
    if path.starts_with("/.well-known/nodeinfo") {
        state.nodeinfo_probes.fetch_add(1, Ordering::Relaxed);
    } else {
        state.other_requests.fetch_add(1, Ordering::Relaxed);
    }
    HttpResponse::NotFound().finish()
}

/// Starts the sink on `listener` with `workers` threads; it runs until the
/// process ends.
pub fn start(listener: TcpListener, state: Arc<SinkState>, workers: usize) -> anyhow::Result<()> {
    let data = web::Data::from(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(1024 * 1024))
            .default_service(web::to(handle))
    })
    .workers(workers.max(1))
    .disable_signals()
    .listen(listener)?
    .run();
    tokio::spawn(server);
    Ok(())
}
