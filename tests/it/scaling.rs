//! Scaling out on one PostgreSQL: web processes with `workers = false`
//! take requests and store work; worker processes claim it
//! (`FOR UPDATE SKIP LOCKED`), and nothing is sent twice.

use crate::{
    client::untitled,
    common::{self, TestDb, eventually, no_milestones},
    mastodon::FakeMastodon,
    process::{ServerProcess, free_port},
};
use serde_json::json;

/// The value of a metric line `name` in `server`'s `/metrics`.
async fn metric(server: &ServerProcess, name: &str) -> f64 {
    common::metric(&server.url("/metrics"), name).await
}

#[tokio::test]
async fn a_web_only_process_stores_the_work_and_a_worker_process_delivers_it_once() {
    guildhall::startup::install_crypto_provider();
    let db = TestDb::create().await;
    let web_port = free_port();
    let domain = format!("alpha.test:{web_port}");
    let web = ServerProcess::start_with(
        &domain,
        web_port,
        &db.url,
        &[("GUILDHALL_WORKERS", "false")],
    )
    .await;
    let worker = ServerProcess::start_as(&domain, free_port(), &db.url).await;
    web.cli(&["admin", "create-user", "alice"], "a long password\n")
        .await;
    web.cli(
        &["admin", "create-community", "secguild", "--owner", "alice"],
        "",
    )
    .await;
    let alice = web.api(
        &web.anonymous()
            .sign_in("alice", "a long password")
            .await
            .unwrap()
            .token,
    );
    alice
        .update_community("secguild", &no_milestones())
        .await
        .unwrap();

    // The follow reaches the web process's inbox; the worker processes it
    // and delivers the Accept.
    let group = format!("http://{domain}/c/secguild");
    let mona = FakeMastodon::start().await;
    let follow = json!({"id": format!("{}#follows/1", mona.actor), "type": "Follow", "actor": mona.actor, "object": group});
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &follow).await, 202);
    // Polled: the servers are processes of their own.
    eventually("mona is accepted", || async {
        mona.received("Accept").pop()
    })
    .await;

    for i in 0..20 {
        alice
            .create_post("secguild", &untitled(&format!("post {i}")))
            .await
            .unwrap();
    }
    eventually("all 20 announces arrive", || async {
        (mona.received("Announce").len() >= 20).then_some(())
    })
    .await;
    eventually("the worker recorded every delivery", || async {
        let delivered = "guildhall_delivery_attempts_total{outcome=\"delivered\"}";
        (metric(&worker, delivered).await >= 21.0).then_some(())
    })
    .await;
    let announces = mona.received("Announce");
    let mut ids: Vec<&str> = announces
        .iter()
        .map(|a| a.body["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert_eq!(announces.len(), 20, "no announce was sent twice");

    let web_attempts = "guildhall_delivery_attempts_total{outcome=\"delivered\"}";
    assert_eq!(
        metric(&web, web_attempts).await,
        0.0,
        "the web process sent nothing"
    );
    let processed = "guildhall_inbox_activities_total{type=\"Follow\",outcome=\"processed\"}";
    assert_eq!(metric(&web, processed).await, 0.0);
    assert_eq!(
        metric(&worker, processed).await,
        1.0,
        "the worker took the follow"
    );
}

/// Each thread of process `pid` as (name, nice value), from `/proc`.
fn threads_and_nice(pid: u32) -> Vec<(String, i64)> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("the process's threads");
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("stat")).ok())
        .filter_map(|stat| {
            let (head, rest) = stat.rsplit_once(')')?;
            let name = head.split_once('(')?.1.to_string();
            // After the name: the state (field 3 of stat) … nice (field 19).
            let nice = rest.split_whitespace().nth(16)?.parse().ok()?;
            Some((name, nice))
        })
        .collect()
}

#[tokio::test]
async fn the_queue_workers_yield_the_cpu_to_the_request_threads() {
    let db = TestDb::create().await;
    let port = free_port();
    let server = ServerProcess::start("alpha", port, &db.url).await;
    let threads = threads_and_nice(server.pid());
    let nice_of = |prefix: &str| -> Vec<i64> {
        threads
            .iter()
            .filter(|(name, _)| name.starts_with(prefix))
            .map(|(_, nice)| *nice)
            .collect()
    };
    let background = nice_of("tokio-rt-worker");
    let requests = nice_of("actix-server wo");
    assert!(!background.is_empty(), "no runtime threads in {threads:?}");
    assert!(!requests.is_empty(), "no request threads in {threads:?}");
    assert!(
        background.iter().all(|&nice| nice == 5),
        "the runtime's threads (queue workers, chores) run at nice 5: {threads:?}"
    );
    assert!(
        requests.iter().all(|&nice| nice == 0),
        "the request threads keep the normal priority: {threads:?}"
    );
}
