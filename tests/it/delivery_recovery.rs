//! Delivery survives a peer being down and a crash of the sender: every
//! activity arrives, once.

use crate::{
    common::{TestDb, eventually},
    process::{ServerProcess, free_port},
};
use serde_json::{Value, json};

async fn token(server: &ServerProcess, name: &str) -> String {
    server
        .cli(&["admin", "create-user", name], "a long password\n")
        .await;
    let res = reqwest::Client::new()
        .post(server.url("/api/v1/session"))
        .json(&json!({"username": name, "password": "a long password"}))
        .send()
        .await
        .unwrap();
    res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_peer_that_was_down_gets_every_post_exactly_once_after_the_sender_crashed() {
    let (alpha_db, beta_db) = (TestDb::create().await, TestDb::create().await);
    let mut alpha = ServerProcess::start("alpha", free_port(), &alpha_db.url).await;
    let mut beta = ServerProcess::start("beta", free_port(), &beta_db.url).await;
    let client = reqwest::Client::new();
    let alice = token(&alpha, "alice").await;
    let bob = token(&beta, "bob").await;
    alpha
        .cli(
            &["admin", "create-community", "secguild", "--owner", "alice"],
            "",
        )
        .await;

    let handle = format!("secguild@{}", alpha.domain);
    client
        .post(beta.url(&format!("/api/v1/communities/{handle}/follow")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    eventually("bob's follow is accepted", || async {
        let res = client
            .get(beta.url(&format!("/api/v1/communities/{handle}")))
            .bearer_auth(&bob)
            .send()
            .await
            .ok()?;
        let body: Value = res.json().await.ok()?;
        (body["follow_state"] == "accepted").then_some(())
    })
    .await;

    // Beta goes down; alice posts 20 times; alpha crashes mid-delivery.
    beta.kill().await;
    for i in 0..20 {
        let res = client
            .post(alpha.url("/api/v1/communities/secguild/posts"))
            .bearer_auth(&alice)
            .json(&json!({"title": format!("Post {i}"), "content": format!("Body {i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
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
        let res = client
            .get(beta.url(&format!("/api/v1/communities/{handle}/posts?limit=100")))
            .bearer_auth(&bob)
            .send()
            .await
            .ok()?;
        let body: Value = res.json().await.ok()?;
        let items = body["items"].as_array()?.clone();
        (items.len() >= 20).then_some(items)
    })
    .await;
    let mut titles: Vec<String> = posts
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect();
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
    first
        .cli(&["admin", "create-user", "alice"], "a long password\n")
        .await;
    first
        .cli(
            &["admin", "create-community", "secguild", "--owner", "alice"],
            "",
        )
        .await;
    let second = ServerProcess::start_as(&first.domain, free_port(), &db.url).await;
    let client = reqwest::Client::new();
    let alice: Value = client
        .post(first.url("/api/v1/session"))
        .json(&json!({"username": "alice", "password": "a long password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let alice = alice["token"].as_str().unwrap().to_string();
    let group = format!("http://{}/c/secguild", first.domain);
    let mona = FakeMastodon::start().await;
    let follow = json!({"id": format!("{}#follows/1", mona.actor), "type": "Follow", "actor": mona.actor, "object": group});
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &follow).await, 202);
    eventually("mona is accepted", || async {
        mona.received("Accept").pop()
    })
    .await;

    for i in 0..30 {
        let server = if i % 2 == 0 { &first } else { &second };
        let res = client
            .post(server.url("/api/v1/communities/secguild/posts"))
            .bearer_auth(&alice)
            .json(&json!({"content": format!("post {i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
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
    alpha
        .post(
            "/api/v1/communities",
            Some(&alice),
            &json!({"name": "secguild"}),
        )
        .await;
    let group = format!("{}/c/secguild", alpha.base);
    let mona = FakeMastodon::start().await;
    let follow = json!({"id": format!("{}#follows/1", mona.actor), "type": "Follow", "actor": mona.actor, "object": group});
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &follow).await, 202);
    eventually("mona is accepted", || async {
        mona.received("Accept").pop()
    })
    .await;

    mona.failing.store(true, Ordering::SeqCst);
    for i in 0..3 {
        alpha
            .post(
                "/api/v1/communities/secguild/posts",
                Some(&alice),
                &json!({"content": format!("post {i}")}),
            )
            .await;
    }
    eventually("deliveries are being retried", || async {
        (alpha.count("deliveries WHERE attempts > 0").await == 3).then_some(())
    })
    .await;
    let undo = json!({"id": format!("{}#follows/1/undo", mona.actor), "type": "Undo", "actor": mona.actor, "object": follow});
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &undo).await, 202);
    eventually("the pending deliveries are dropped", || async {
        (alpha.count("deliveries").await == 0).then_some(())
    })
    .await;
    mona.failing.store(false, Ordering::SeqCst);
    let (_, community) = alpha
        .get_json("/api/v1/communities/secguild", "application/json")
        .await;
    assert_eq!(community["followers"], 0);
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
    alpha
        .post(
            "/api/v1/communities",
            Some(&alice),
            &json!({"name": "secguild"}),
        )
        .await;
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
    alpha
        .post(
            "/api/v1/communities/secguild/posts",
            Some(&alice),
            &json!({"content": "hello"}),
        )
        .await;
    eventually("both deliveries are dropped", || async {
        (alpha.count("deliveries").await == 0).then_some(())
    })
    .await;
    eventually("both failures are recorded", || async {
        (alpha
            .count("instances WHERE failed_count = 1 AND delivered_count = 0")
            .await
            == 2)
            .then_some(())
    })
    .await;
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
