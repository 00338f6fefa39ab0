//! A Mastodon-shaped peer: it cannot run here, so this fake speaks the real
//! protocol bytes — Mastodon's actor JSON (from the captured fixture,
//! re-addressed to `mastodon.test`), its NodeInfo, and HTTP signatures made
//! exactly as Mastodon makes them (`rsa-sha256`; POST signs
//! `(request-target) host date digest content-type`, GET signs
//! `(request-target) host date accept`). It verifies every signature it
//! receives by fetching the signer's key, like Mastodon, and serves the
//! statuses and activities it sent (with 410 once it deleted a status), as
//! groups that pass them on fetch them from their origin.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use guildhall::signature::{SigningKey, parse_request_signature};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::{
    collections::BTreeMap,
    net::TcpListener,
    sync::{Arc, Mutex},
};

/// A delivery the fake received, with whether its signature verified.
#[derive(Clone, Debug)]
pub struct Received {
    pub verified: Result<(), String>,
    pub body: Value,
}

/// The fake Mastodon server with one account, `mona`.
pub struct FakeMastodon {
    pub actor: String,
    documents: Documents,
    pub received: Arc<Mutex<Vec<Received>>>,
    /// While true, the inbox answers 503 (the server is "down").
    pub failing: Arc<std::sync::atomic::AtomicBool>,
    key: SigningKey,
    client: reqwest::Client,
    _server: actix_web::dev::ServerHandle,
}

/// What the fake serves by path: a document, or `None` once deleted (410).
type Documents = Arc<Mutex<std::collections::HashMap<String, Option<Value>>>>;

struct Shared {
    documents: Documents,
    failing: Arc<std::sync::atomic::AtomicBool>,
    actor_json: String,
    received: Arc<Mutex<Vec<Received>>>,
    client: reqwest::Client,
}

impl FakeMastodon {
    /// Starts the fake on a free port as `mastodon.test:<port>`.
    pub async fn start() -> FakeMastodon {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let base = format!("http://mastodon.test:{port}");
        let actor = format!("{base}/users/mona");
        let pair = guildhall::signature::generate_key_pair().unwrap();
        let fixture = crate::fixtures::load::<Value>("mastodon/objects/person.json")
            .expect("the Mastodon person fixture");
        let mut person: Value = serde_json::from_str(
            &fixture
                .to_string()
                .replace("https://masto.qa.urbanwildlife.biz", &base)
                .replace("/users/mastodon", "/users/mona"),
        )
        .unwrap();
        person["preferredUsername"] = json!("mona");
        person["publicKey"]["publicKeyPem"] = json!(pair.public_pem);
        let received = Arc::new(Mutex::new(Vec::new()));
        let client = reqwest::Client::builder()
            .resolve("guildhall.invalid", "127.0.0.1:1".parse().unwrap())
            .build()
            .unwrap();
        let failing = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let documents = Documents::default();
        let shared = web::Data::new(Shared {
            documents: documents.clone(),
            failing: failing.clone(),
            actor_json: person.to_string(),
            received: received.clone(),
            client: client.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .route("/users/mona", web::get().to(actor_document))
                .route("/.well-known/nodeinfo", web::get().to(nodeinfo_links))
                .route("/nodeinfo/2.0", web::get().to(nodeinfo))
                .route("/inbox", web::post().to(inbox))
                .route("/users/mona/inbox", web::post().to(inbox))
                .default_service(web::get().to(document))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        FakeMastodon {
            key: SigningKey::from_pem(&format!("{actor}#main-key"), &pair.private_pem).unwrap(),
            actor,
            documents,
            received,
            failing,
            client,
            _server: handle,
        }
    }

    /// POSTs `activity` to `inbox`, signed as Mastodon signs.
    pub async fn deliver(&self, inbox: &str, activity: &Value) -> reqwest::StatusCode {
        self.deliver_raw(inbox, activity.to_string(), &httpdate(), false)
            .await
    }

    /// POSTs `body` dated `date`; `tamper` signs something else than what is sent.
    pub async fn deliver_raw(
        &self,
        inbox: &str,
        body: String,
        date: &str,
        tamper: bool,
    ) -> reqwest::StatusCode {
        self.publish(&body);
        let url = url::Url::parse(inbox).unwrap();
        let digest = format!(
            "SHA-256={}",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes()))
        );
        let date = date.to_string();
        let host = authority(&url);
        let content_type = "application/activity+json";
        let signed = format!(
            "(request-target): post {}\nhost: {host}\ndate: {date}\ndigest: {digest}\ncontent-type: {content_type}",
            url.path()
        );
        let signed = if tamper {
            signed.replace("post ", "put ")
        } else {
            signed
        };
        let signature = self.sign(&signed, "(request-target) host date digest content-type");
        self.client
            .post(loopback(&url))
            .header("host", host)
            .header("date", date)
            .header("digest", digest)
            .header("content-type", content_type)
            .header("signature", signature)
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
    }

    /// GETs `url` with a Mastodon-style signed request (`signed = false` leaves the signature out).
    pub async fn fetch(&self, url: &str, signed: bool) -> (u16, Value) {
        let url = url::Url::parse(url).unwrap();
        let accept = "application/activity+json, application/ld+json";
        let date = httpdate();
        let host = authority(&url);
        let mut request = self
            .client
            .get(loopback(&url))
            .header("host", &host)
            .header("date", &date)
            .header("accept", accept);
        if signed {
            let text = format!(
                "(request-target): get {}\nhost: {host}\ndate: {date}\naccept: {accept}",
                url.path()
            );
            request = request.header(
                "signature",
                self.sign(&text, "(request-target) host date accept"),
            );
        }
        let res = request.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Serves what an activity we send makes public: the activity and its
    /// object at their paths (a `Delete` turns the status into a 410).
    fn publish(&self, body: &str) {
        let Ok(activity) = serde_json::from_str::<Value>(body) else {
            return;
        };
        let mut documents = self.documents.lock().unwrap();
        let path = |id: &Value| {
            url::Url::parse(id.as_str()?)
                .ok()
                .filter(|u| {
                    self.actor
                        .starts_with(&format!("{}://{}", u.scheme(), authority(u)))
                })
                .map(|u| u.path().to_string())
        };
        if let Some(path) = path(&activity["id"]) {
            documents.insert(path, Some(activity.clone()));
        }
        let object = &activity["object"];
        let object_id = if object.is_object() {
            &object["id"]
        } else {
            object
        };
        if let Some(path) = path(object_id) {
            match activity["type"].as_str() {
                Some("Create" | "Update") if object.is_object() => {
                    documents.insert(path, Some(object.clone()));
                }
                Some("Delete") => {
                    documents.insert(path, None);
                }
                _ => {}
            }
        }
    }

    fn sign(&self, text: &str, headers: &str) -> String {
        let signature = base64::engine::general_purpose::STANDARD
            .encode(self.key.sign_rsa_sha256(text.as_bytes()).unwrap());
        format!(
            "keyId=\"{}#main-key\",algorithm=\"rsa-sha256\",headers=\"{headers}\",signature=\"{signature}\"",
            self.actor
        )
    }

    /// Activities received so far whose type is `kind`.
    pub fn received(&self, kind: &str) -> Vec<Received> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.body["type"] == kind)
            .cloned()
            .collect()
    }
}

/// An HTTP date, `offset` from now.
pub fn httpdate_at(offset: chrono::Duration) -> String {
    (chrono::Utc::now() + offset)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

fn httpdate() -> String {
    httpdate_at(chrono::Duration::zero())
}

fn authority(url: &url::Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap()),
        None => url.host_str().unwrap().to_string(),
    }
}

/// Our test hosts all live on loopback.
fn loopback(url: &url::Url) -> String {
    let mut url = url.clone();
    url.set_host(Some("127.0.0.1")).unwrap();
    url.to_string()
}

async fn actor_document(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/activity+json; charset=utf-8")
        .body(shared.actor_json.clone())
}

async fn document(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    match shared.documents.lock().unwrap().get(req.path()) {
        Some(Some(document)) => HttpResponse::Ok()
            .content_type("application/activity+json; charset=utf-8")
            .json(document),
        Some(None) => HttpResponse::Gone().finish(),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn nodeinfo_links(req: HttpRequest) -> HttpResponse {
    let host = req.connection_info().host().to_string();
    HttpResponse::Ok().json(json!({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": format!("http://{host}/nodeinfo/2.0")}]}))
}

async fn nodeinfo() -> HttpResponse {
    HttpResponse::Ok().json(json!({"version": "2.0", "software": {"name": "mastodon", "version": "4.5.0"}, "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []}, "openRegistrations": true, "usage": {"users": {"total": 1}}, "metadata": {}}))
}

async fn inbox(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    if shared.failing.load(std::sync::atomic::Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let verified = verify(&req, &body, &shared.client).await;
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let ok = verified.is_ok();
    shared
        .received
        .lock()
        .unwrap()
        .push(Received { verified, body });
    if ok {
        HttpResponse::Accepted().finish()
    } else {
        HttpResponse::Unauthorized().finish()
    }
}

/// Verifies a delivery as Mastodon would: parse, fetch the key owner, check.
async fn verify(req: &HttpRequest, body: &[u8], client: &reqwest::Client) -> Result<(), String> {
    let headers: BTreeMap<String, String> = req
        .headers()
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_str().to_ascii_lowercase(),
                v.to_str().ok()?.to_string(),
            ))
        })
        .collect();
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
    let mut owner = url::Url::parse(pending.key_id()).map_err(|e| e.to_string())?;
    owner.set_fragment(None);
    let actor: Value = client
        .get(loopback(&owner))
        .header("accept", "application/activity+json")
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    if actor["publicKey"]["id"] != pending.key_id() {
        return Err("the key id is not the actor's key".into());
    }
    pending
        .verify(
            actor["publicKey"]["publicKeyPem"]
                .as_str()
                .unwrap_or_default(),
        )
        .map_err(|e| e.to_string())
}
