//! Interop with a real third-party server: a Fedify peer
//! (`tests/fedify/peer.mjs`, one actor `alice@fedify.test`) follows a
//! community on `alpha.test`, receives its announces, posts into it and likes
//! a post, over HTTP with real signatures. Needs `npm ci --prefix
//! tests/fedify` and `127.0.0.1 alpha.test fedify.test` in /etc/hosts (Fedify
//! resolves names through the system); without them the tests skip, except
//! under `CI=true`. On failure the peer's stdout and stderr are printed.

use crate::{
    client::{Api, named, titled},
    common::{TestApp, eventually},
};
use guildhall::api::{communities::CreateCommunity, posts::PostResponse};
use serde_json::{Value, json};
use std::{
    net::{IpAddr, Ipv4Addr},
    path::{Path, PathBuf},
    process::Stdio,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, BufReader},
    process::{Child, Command},
};

/// The Fedify peer's directory, or `None` (after saying why) when the tests
/// cannot run here. Under `CI=true` a missing prerequisite fails instead.
async fn prerequisites() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fedify");
    let mut missing = None;
    if !dir.join("node_modules/@fedify/fedify").exists() {
        missing = Some("Fedify is not installed: run `npm ci --prefix tests/fedify`".to_string());
    }
    for host in ["alpha.test", "fedify.test"] {
        let loopback = tokio::net::lookup_host(format!("{host}:80"))
            .await
            .is_ok_and(|mut addrs| addrs.any(|a| a.ip() == IpAddr::V4(Ipv4Addr::LOCALHOST)));
        if missing.is_none() && !loopback {
            missing = Some(format!(
                "{host} does not resolve to 127.0.0.1: add \
                 `127.0.0.1 alpha.test beta.test gamma.test fedify.test fedify2.test` to /etc/hosts"
            ));
        }
    }
    let Some(why) = missing else {
        return Some(dir);
    };
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("skipping: {why}");
    None
}

/// A running `peer.mjs`, killed and reaped when dropped; what it printed is
/// kept and shown if the test panics.
struct Peer {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
    http: reqwest::Client,
}

/// Appends each line `from` prints to `log`.
fn capture(from: impl AsyncRead + Unpin + Send + 'static, name: &str, log: &Arc<Mutex<String>>) {
    let (name, log) = (name.to_string(), log.clone());
    tokio::spawn(async move {
        let mut lines = BufReader::new(from).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            log.lock()
                .unwrap()
                .push_str(&format!("[peer {name}] {line}\n"));
        }
    });
}

impl Peer {
    async fn start(dir: &Path) -> Peer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("node")
            .arg(dir.join("peer.mjs"))
            .args(["--host", "fedify.test", "--port", &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start node");
        let log = Arc::new(Mutex::new(String::new()));
        capture(child.stdout.take().unwrap(), "stdout", &log);
        capture(child.stderr.take().unwrap(), "stderr", &log);
        let mut peer = Peer {
            child,
            port,
            log,
            http: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = peer.http.get(peer.url("ready")).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return peer;
            }
            if let Ok(Some(status)) = peer.child.try_wait() {
                panic!("the Fedify peer exited at start-up: {status}");
            }
            assert!(Instant::now() < deadline, "the Fedify peer did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn url(&self, control: &str) -> String {
        format!("http://127.0.0.1:{}/control/{control}", self.port)
    }

    /// POSTs to a control endpoint and insists that it succeeded.
    async fn control(&self, action: &str, body: Value) -> Value {
        let res = self
            .http
            .post(self.url(action))
            .json(&body)
            .send()
            .await
            .expect("peer control call");
        let status = res.status();
        let out: Value = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "peer {action} {body}: {status} {out}");
        out
    }

    /// Activities of type `kind` the peer received, in arrival order.
    async fn received(&self, kind: &str) -> Vec<Value> {
        let res = self.http.get(self.url(&format!("inbox?type={kind}")));
        let Ok(res) = res.send().await else {
            return Vec::new();
        };
        let inbox: Value = res.json().await.unwrap_or(Value::Null);
        inbox["items"].as_array().cloned().unwrap_or_default()
    }

    /// The first activity of type `kind` from `actor` about `object`
    /// (directly or wrapped once), waited for: polled, as the peer is
    /// another process whose inbox `settle` does not see.
    async fn expect(&self, kind: &str, actor: &str, object: &str) -> Value {
        eventually(&format!("the peer receives {kind} of {object}"), || async {
            self.received(kind).await.into_iter().find(|a| {
                a["actor"] == actor && (a["objectId"] == object || a["innerObjectId"] == object)
            })
        })
        .await
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        for _ in 0..300 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if std::thread::panicking() {
            eprintln!("--- Fedify peer output ---\n{}", self.log.lock().unwrap());
        }
    }
}

/// `alpha.test` with the community `secguild` (owned by the local user
/// carol) and a Fedify peer whose alice follows it.
struct World {
    alpha: TestApp,
    carol: String,
    group: String,
    peer: Peer,
}

async fn followed_community(dir: &Path) -> World {
    let alpha = TestApp::spawn_named("alpha").await;
    let carol = alpha.user("carol", false).await;
    alpha
        .api(&carol)
        .create_community(&CreateCommunity {
            title: Some("Security Guild".into()),
            ..named("secguild")
        })
        .await
        .unwrap();
    let group = format!("{}/c/secguild", alpha.base);
    let peer = Peer::start(dir).await;
    let follow = peer.control("follow", json!({"target": group})).await;
    let accept = peer.expect("Accept", &group, follow["id"].as_str().unwrap());
    accept.await;
    World {
        alpha,
        carol,
        group,
        peer,
    }
}

impl World {
    /// Carol's API on alpha.
    fn carol(&self) -> Api {
        self.alpha.api(&self.carol)
    }

    /// Carol posts in the community; returns the post as the API shows it.
    async fn local_post(&self) -> PostResponse {
        self.carol()
            .create_post(
                "secguild",
                &titled("Threat modelling 101", "Bring a **design**."),
            )
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_fedify_peer_follows_a_community_and_receives_the_announce_of_a_new_post() {
    let Some(dir) = prerequisites().await else {
        return;
    };
    let w = followed_community(&dir).await;
    let community = w.carol().community("secguild").await.unwrap();
    assert_eq!(community.followers, 1);

    let post = w.local_post().await;
    let ap_id = post.ap_id.as_str();
    let announce = w.peer.expect("Announce", &w.group, ap_id).await;
    // Fedify serves no NodeInfo, so it is treated like Mastodon: a bare boost.
    assert_eq!(announce["json"]["object"], ap_id, "{announce}");
    assert_eq!(announce["json"]["actor"], w.group.as_str(), "{announce}");
    w.alpha.settle().await;
}

#[tokio::test]
async fn a_fedify_peer_posts_into_the_community_and_sees_it_announced_back() {
    let Some(dir) = prerequisites().await else {
        return;
    };
    let w = followed_community(&dir).await;
    let content = "<p>Hello from Fedify</p><p>Who is coming on Tuesday?</p>";
    let note = w
        .peer
        .control("note", json!({"group": w.group, "content": content}))
        .await;
    let note_id = note["id"].as_str().unwrap();
    // Polled: the peer delivers the note when it likes (another process).
    let carol = w.carol();
    let post = eventually("the note is listed in the community", || async {
        let posts = carol.posts("secguild").await.ok()?.items;
        posts.into_iter().find(|p| p.ap_id == note_id)
    })
    .await;
    assert_eq!(post.title.as_deref(), Some("Hello from Fedify"));
    assert_eq!(post.author, "alice@fedify.test");
    assert!(post.content.contains("Tuesday"), "{}", post.content);

    let announce = w.peer.expect("Announce", &w.group, note_id).await;
    assert_eq!(announce["json"]["object"], note_id, "{announce}");
    w.alpha.settle().await;
}

#[tokio::test]
async fn a_like_from_a_fedify_peer_is_counted_on_the_post() {
    let Some(dir) = prerequisites().await else {
        return;
    };
    let w = followed_community(&dir).await;
    let post = w.local_post().await;
    w.peer
        .control("like", json!({"object": post.ap_id, "to": w.group}))
        .await;
    // Polled: the peer sends the like when it likes (another process).
    let carol = w.carol();
    eventually("the like is counted on alpha", || async {
        (carol.post(post.id).await.ok()?.likes == 1).then_some(())
    })
    .await;
    w.alpha.settle().await;
}
