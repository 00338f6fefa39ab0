//! A scriptable remote server for attack and outage tests: it hosts actors
//! (people or groups, each with a real RSA key), serves whatever documents
//! a test puts at a path (with the content type the test chooses), answers
//! NodeInfo as the software it is told to be, records what reaches its
//! inboxes, and POSTs activities signed exactly as a peer signs them
//! (draft-cavage, `rsa-sha256`). `down` makes every request answer 503.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use guildhall::signature::{SigningKey, sign_request_at};
use serde_json::{Value, json};
use std::{
    collections::HashMap,
    net::TcpListener,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

/// One document the peer serves.
#[derive(Clone)]
struct Served {
    status: u16,
    content_type: String,
    body: String,
}

#[derive(Default)]
struct State {
    documents: Mutex<HashMap<String, Served>>,
    received: Mutex<Vec<Value>>,
    down: AtomicBool,
    /// What the inboxes answer when not 202 (0: 202).
    inbox_status: std::sync::atomic::AtomicU16,
    software: Mutex<String>,
}

/// The fake server, `<name>.test:<port>`.
pub struct FakePeer {
    /// `http://<name>.test:<port>`.
    pub base: String,
    state: Arc<State>,
    keys: Mutex<HashMap<String, Arc<SigningKey>>>,
    private_keys: Mutex<HashMap<String, String>>,
    client: reqwest::Client,
    _server: actix_web::dev::ServerHandle,
}

impl FakePeer {
    /// Starts the peer as `<name>.test` running `software` (for NodeInfo).
    pub async fn start(name: &str, software: &str) -> FakePeer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        *state.software.lock().unwrap() = software.to_string();
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/inbox", web::post().to(inbox))
                .route("/{tail:.*}/inbox", web::post().to(inbox))
                .default_service(web::get().to(serve))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        FakePeer {
            base: format!("http://{name}.test:{port}"),
            state,
            keys: Mutex::default(),
            private_keys: Mutex::default(),
            client: reqwest::Client::new(),
            _server: handle,
        }
    }

    /// Serves `document` at `path` as ActivityPub JSON.
    pub fn put(&self, path: &str, document: &Value) {
        self.put_as(path, document, "application/activity+json");
    }

    /// Serves `document` at `path` with `content_type`.
    pub fn put_as(&self, path: &str, document: &Value, content_type: &str) {
        self.state.documents.lock().unwrap().insert(
            path.to_string(),
            Served {
                status: 200,
                content_type: content_type.to_string(),
                body: document.to_string(),
            },
        );
    }

    /// Makes `path` answer 410 Gone.
    pub fn gone(&self, path: &str) {
        self.state.documents.lock().unwrap().insert(
            path.to_string(),
            Served {
                status: 410,
                content_type: "application/activity+json".into(),
                body: String::new(),
            },
        );
    }

    /// Takes the whole server down (every request 503) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    /// Makes the inboxes answer `status` (and record nothing); 0 restores 202.
    pub fn set_inbox_status(&self, status: u16) {
        self.state.inbox_status.store(status, Ordering::SeqCst);
    }

    /// Creates an actor at `/<path>` of `kind` (`Person` or `Group`) with a
    /// fresh key, and serves its document; returns its id.
    pub fn actor(&self, path: &str, kind: &str) -> String {
        let id = format!("{}/{path}", self.base);
        let pair = guildhall::signature::generate_key_pair().unwrap();
        let key = SigningKey::from_pem(&format!("{id}#main-key"), &pair.private_pem).unwrap();
        self.keys.lock().unwrap().insert(id.clone(), Arc::new(key));
        self.private_keys
            .lock()
            .unwrap()
            .insert(id.clone(), pair.private_pem);
        let name = path.rsplit('/').next().unwrap();
        let document = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": id, "type": kind, "preferredUsername": name, "name": name,
            "inbox": format!("{id}/inbox"), "outbox": format!("{id}/outbox"),
            "followers": format!("{id}/followers"),
            "endpoints": {"sharedInbox": format!("{}/inbox", self.base)},
            "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pair.public_pem}
        });
        self.put(&format!("/{path}"), &document);
        id
    }

    /// The document of an actor created by [`FakePeer::actor`].
    pub fn actor_document(&self, id: &str) -> Value {
        let path = id.strip_prefix(&self.base).unwrap();
        let served = self.state.documents.lock().unwrap()[path].clone();
        serde_json::from_str(&served.body).unwrap()
    }

    /// POSTs `activity` to `inbox`, signed with the key of `signer`.
    pub async fn deliver(&self, signer: &str, inbox: &str, activity: &Value) -> u16 {
        let key = self.keys.lock().unwrap()[signer].clone();
        self.send_signed(&key, inbox, activity).await
    }

    /// POSTs `activity` signed with the key of `signer` but naming `key_id`.
    pub async fn deliver_as(
        &self,
        signer: &str,
        key_id: &str,
        inbox: &str,
        activity: &Value,
    ) -> u16 {
        let pem = self.private_keys.lock().unwrap()[signer].clone();
        let key = SigningKey::from_pem(key_id, &pem).unwrap();
        self.send_signed(&key, inbox, activity).await
    }

    async fn send_signed(&self, key: &SigningKey, inbox: &str, activity: &Value) -> u16 {
        self.send(Some(key), inbox, &activity.to_string(), None, 0)
            .await
    }

    /// POSTs the raw `body` signed by `signer`: with `signed_body` the
    /// digest is of that instead (a mismatch), and the date is
    /// `date_offset` seconds from now.
    pub async fn post_raw(
        &self,
        signer: &str,
        inbox: &str,
        body: &str,
        signed_body: Option<&str>,
        date_offset: i64,
    ) -> u16 {
        let key = self.keys.lock().unwrap()[signer].clone();
        self.send(Some(&key), inbox, body, signed_body, date_offset)
            .await
    }

    /// POSTs the raw `body` without a signature.
    pub async fn post_unsigned(&self, inbox: &str, body: &str) -> u16 {
        self.send(None, inbox, body, None, 0).await
    }

    async fn send(
        &self,
        key: Option<&SigningKey>,
        inbox: &str,
        body: &str,
        signed_body: Option<&str>,
        date_offset: i64,
    ) -> u16 {
        let url = url::Url::parse(inbox).unwrap();
        let mut loopback = url.clone();
        loopback.set_host(Some("127.0.0.1")).unwrap();
        let mut request = self
            .client
            .post(loopback.as_str())
            .header("content-type", "application/activity+json")
            .body(body.to_string());
        if key.is_none() {
            // Addressed to the instance's name, like a real peer.
            let host = match url.port() {
                Some(port) => format!("{}:{port}", url.host_str().unwrap()),
                None => url.host_str().unwrap().to_string(),
            };
            request = request.header("host", host);
        }
        if let Some(key) = key {
            let at = chrono::Utc::now() + chrono::Duration::seconds(date_offset);
            let signed = signed_body.unwrap_or(body);
            for (name, value) in
                sign_request_at("POST", &url, Some(signed.as_bytes()), key, at).unwrap()
            {
                request = request.header(name, value);
            }
        }
        request.send().await.unwrap().status().as_u16()
    }

    /// Activities received at any inbox whose type is `kind`.
    pub fn received(&self, kind: &str) -> Vec<Value> {
        self.state
            .received
            .lock()
            .unwrap()
            .iter()
            .filter(|a| a["type"] == kind)
            .cloned()
            .collect()
    }
}

async fn serve(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    if state.down.load(Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let path = req.path();
    if let Some(served) = state.documents.lock().unwrap().get(path) {
        return HttpResponse::build(actix_web::http::StatusCode::from_u16(served.status).unwrap())
            .content_type(served.content_type.as_str())
            .body(served.body.clone());
    }
    if path == "/.well-known/nodeinfo" {
        let host = req.connection_info().host().to_string();
        return HttpResponse::Ok().json(json!({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": format!("http://{host}/nodeinfo/2.1")}]}));
    }
    if path == "/nodeinfo/2.1" {
        let software = state.software.lock().unwrap().clone();
        return HttpResponse::Ok().json(json!({"version": "2.1", "software": {"name": software, "version": "1.0"},
            "protocols": ["activitypub"], "services": {"inbound": [], "outbound": []}, "openRegistrations": true,
            "usage": {"users": {"total": 1}}, "metadata": {}}));
    }
    HttpResponse::NotFound().finish()
}

async fn inbox(body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    if state.down.load(Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let status = state.inbox_status.load(Ordering::SeqCst);
    if status != 0 {
        let status = actix_web::http::StatusCode::from_u16(status).unwrap();
        return HttpResponse::build(status).body("x".repeat(1024 * 1024));
    }
    if let Ok(activity) = serde_json::from_slice::<Value>(&body) {
        state.received.lock().unwrap().push(activity);
    }
    HttpResponse::Accepted().finish()
}
