//! Delivery survives a peer being down and a crash of the sender: every
//! activity arrives, once.

use crate::{
    client::{Api, titled, untitled},
    common::{TestDb, eventually, no_milestones},
    process::{ServerProcess, free_port},
};
use guildhall::domain::community::Membership;
use serde_json::json;

/// Creates `name` with the CLI and signs them in over the API.
async fn token(server: &ServerProcess, name: &str) -> String {
    server
        .cli(&["admin", "create-user", name], "a long password\n")
        .await;
    server
        .anonymous()
        .sign_in(name, "a long password")
        .await
        .unwrap()
        .token
}

/// Alpha and beta as processes: alice owns `secguild` on alpha, and bob on
/// beta is its accepted member.
struct Pair {
    alpha_db: TestDb,
    _beta_db: TestDb,
    alpha: ServerProcess,
    beta: ServerProcess,
    alice: Api,
    bob: Api,
    /// `secguild@<alpha's domain>`.
    handle: String,
}

impl Pair {
    async fn start() -> Pair {
        let (alpha_db, beta_db) = (TestDb::create().await, TestDb::create().await);
        let alpha = ServerProcess::start("alpha", free_port(), &alpha_db.url).await;
        let beta = ServerProcess::start("beta", free_port(), &beta_db.url).await;
        let alice = alpha.api(&token(&alpha, "alice").await);
        let bob = beta.api(&token(&beta, "bob").await);
        alpha
            .cli(
                &["admin", "create-community", "secguild", "--owner", "alice"],
                "",
            )
            .await;
        alice
            .update_community("secguild", &no_milestones())
            .await
            .unwrap();
        let handle = format!("secguild@{}", alpha.domain);
        bob.follow(&handle).await.unwrap();
        // Polled here and in the tests: the servers are processes of their own.
        eventually("bob's follow is accepted", || async {
            let community = bob.community(&handle).await.ok()?;
            (community.follow_state == Membership::Accepted).then_some(())
        })
        .await;
        Pair {
            alpha_db,
            _beta_db: beta_db,
            alpha,
            beta,
            alice,
            bob,
            handle,
        }
    }
}

#[tokio::test]
async fn a_peer_that_was_down_gets_every_post_exactly_once_after_the_sender_crashed() {
    let Pair {
        alpha_db,
        _beta_db,
        mut alpha,
        mut beta,
        alice,
        bob,
        handle,
    } = Pair::start().await;

    // Beta goes down; alice posts 20 times; alpha crashes mid-delivery.
    beta.kill().await;
    for i in 0..20 {
        alice
            .create_post(
                "secguild",
                &titled(&format!("Post {i}"), &format!("Body {i}")),
            )
            .await
            .unwrap();
    }
    alpha.kill().await;
    assert_eq!(
        count(&alpha_db.url, "deliveries").await,
        20,
        "the queue holds all 20 announces"
    );

    // Both come back; beta gets everything, once.
    alpha.restart().await;
    beta.restart().await;
    let posts = eventually("all 20 posts reach beta", || async {
        let items = bob.newest_posts(&handle, 100).await.ok()?.items;
        (items.len() >= 20).then_some(items)
    })
    .await;
    let mut titles: Vec<String> = posts.iter().map(|p| p.title.clone().unwrap()).collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), 20);
    assert_eq!(posts.len(), 20, "no post twice");
    eventually("alpha's queue is empty", || async {
        (count(&alpha_db.url, "deliveries").await == 0).then_some(())
    })
    .await;
    alpha.kill().await;
    beta.kill().await;
}

async fn count(db_url: &str, table: &str) -> i64 {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = AsyncPgConnection::establish(db_url).await.unwrap();
    let row: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
        .get_result(&mut conn)
        .await
        .unwrap();
    row.n
}

#[tokio::test]
async fn two_processes_on_one_database_share_the_queue_without_sending_twice() {
    use crate::mastodon::FakeMastodon;
    let db = TestDb::create().await;
    let port = free_port();
    let first = ServerProcess::start("alpha", port, &db.url).await;
    let alice = token(&first, "alice").await;
    first
        .cli(
            &["admin", "create-community", "secguild", "--owner", "alice"],
            "",
        )
        .await;
    first
        .api(&alice)
        .update_community("secguild", &no_milestones())
        .await
        .unwrap();
    let second = ServerProcess::start_as(&first.domain, free_port(), &db.url).await;
    let group = format!("http://{}/c/secguild", first.domain);
    let mona = FakeMastodon::start().await;
    let follow = json!({"id": format!("{}#follows/1", mona.actor), "type": "Follow", "actor": mona.actor, "object": group});
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &follow).await, 202);
    // Polled here and below: the servers are processes of their own.
    eventually("mona is accepted", || async {
        mona.received("Accept").pop()
    })
    .await;

    let (on_first, on_second) = (first.api(&alice), second.api(&alice));
    for i in 0..30 {
        let server = if i % 2 == 0 { &on_first } else { &on_second };
        server
            .create_post("secguild", &untitled(&format!("post {i}")))
            .await
            .unwrap();
    }
    eventually("all 30 announces arrive", || async {
        (mona.received("Announce").len() >= 30).then_some(())
    })
    .await;
    eventually("the queue is empty", || async {
        (count(&db.url, "deliveries").await == 0).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let announces = mona.received("Announce");
    let mut ids: Vec<String> = announces
        .iter()
        .map(|a| a.body["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30);
    assert_eq!(announces.len(), 30, "no announce was sent twice");
    assert!(announces.iter().all(|a| a.verified.is_ok()));
}

#[tokio::test]
async fn deliveries_to_a_follower_who_left_stop_at_once() {
    use crate::{common::TestApp, mastodon::FakeMastodon};
    use std::sync::atomic::Ordering;
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let alice = alpha.api(&alice);
    let group = format!("{}/c/secguild", alpha.base);
    let mona = FakeMastodon::start().await;
    let follow = json!({"id": format!("{}#follows/1", mona.actor), "type": "Follow", "actor": mona.actor, "object": group});
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &follow).await, 202);
    alpha.settle().await;
    assert!(!mona.received("Accept").is_empty(), "mona is accepted");

    mona.failing.store(true, Ordering::SeqCst);
    for i in 0..3 {
        alice
            .create_post("secguild", &untitled(&format!("post {i}")))
            .await
            .unwrap();
    }
    // Polled, not settled: the deliveries stay queued on purpose while mona
    // is down; this waits for retries in progress.
    eventually("deliveries are being retried", || async {
        (alpha.count("deliveries WHERE attempts > 0").await == 3).then_some(())
    })
    .await;
    let undo = json!({"id": format!("{}#follows/1/undo", mona.actor), "type": "Undo", "actor": mona.actor, "object": follow});
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &undo).await, 202);
    alpha.settle().await;
    assert_eq!(
        alpha.count("deliveries").await,
        0,
        "the pending deliveries are dropped"
    );
    mona.failing.store(false, Ordering::SeqCst);
    let community = alpha.anonymous().community("secguild").await.unwrap();
    assert_eq!(community.followers, 0);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        mona.received("Announce").is_empty(),
        "nothing reached the follower who left"
    );
}

#[tokio::test]
async fn production_never_delivers_to_ip_literal_or_plain_http_inboxes() {
    use crate::common::TestApp;
    use guildhall::db;
    let alpha = TestApp::spawn().await; // production mode
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let alice = alpha.api(&alice);
    let state = alpha.state().await;
    let mut conn = state.pool.get().await.unwrap();
    let community = db::community::find_local(&mut conn, "secguild")
        .await
        .unwrap()
        .unwrap();
    for (n, inbox) in ["https://127.0.0.1/inbox", "http://plain.example/inbox"]
        .iter()
        .enumerate()
    {
        let ap_id = format!("https://evil{n}.example/users/x");
        let person = db::person::upsert_remote(
            &mut conn,
            &db::person::RemotePerson {
                ap_id: &ap_id,
                username: Some("x"),
                domain: &format!("evil{n}.example"),
                local: false,
                display_name: None,
                inbox,
                shared_inbox: None,
                public_key: "unused",
                key_id: None,
                refreshed_at: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
        db::follow::upsert(
            &mut conn,
            community.id,
            person.id,
            db::follow::FollowState::Accepted,
            None,
        )
        .await
        .unwrap();
    }
    alice
        .create_post("secguild", &untitled("hello"))
        .await
        .unwrap();
    alpha.settle().await;
    assert_eq!(
        alpha.count("deliveries").await,
        0,
        "both deliveries are dropped"
    );
    assert_eq!(
        alpha
            .count("instances WHERE failed_count = 1 AND delivered_count = 0")
            .await,
        2,
        "both failures are recorded"
    );
    assert_eq!(
        alpha
            .count("instances WHERE last_error LIKE '%domain name%'")
            .await,
        1
    );
    assert_eq!(
        alpha
            .count("instances WHERE last_error LIKE '%scheme http%'")
            .await,
        1
    );
}

#[tokio::test]
async fn deliveries_pending_when_the_sender_is_stopped_with_sigterm_all_arrive_after_a_restart() {
    let mut pair = Pair::start().await;
    let alpha_db = pair.alpha_db.url.clone();

    // Beta is down, so alpha's deliveries keep failing and being retried
    // while alpha is asked to stop.
    pair.beta.kill().await;
    for i in 0..10 {
        pair.alice
            .create_post("secguild", &untitled(&format!("post {i}")))
            .await
            .unwrap();
    }
    assert!(
        pair.alpha.terminate().await,
        "alpha exits cleanly on SIGTERM"
    );
    assert_eq!(count(&alpha_db, "deliveries").await, 10, "nothing lost");
    assert_eq!(
        count(&alpha_db, "deliveries WHERE locked_until > now()").await,
        0,
        "every attempt under way was recorded: no lease left behind"
    );

    pair.beta.restart().await;
    pair.alpha.restart().await;
    let (bob, handle) = (&pair.bob, &pair.handle);
    let posts = eventually("all 10 posts reach beta", || async {
        let items = bob.newest_posts(handle, 100).await.ok()?.items;
        (items.len() >= 10).then_some(items)
    })
    .await;
    assert_eq!(posts.len(), 10, "each post once");
    eventually("alpha's queue is empty", || async {
        (count(&alpha_db, "deliveries").await == 0).then_some(())
    })
    .await;
    assert!(pair.alpha.terminate().await);
    pair.beta.kill().await;
}
