//! Operations endpoints: health, readiness and Prometheus metrics.

use crate::common::TestApp;
use guildhall::db::delivery::Publication;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    app.community(&token, "secguild").await;
    for (path, body) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.text().await.unwrap(), body);
    }
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("# TYPE guildhall_deliveries_pending gauge"));
    assert!(
        metrics
            .lines()
            .any(|l| l == "guildhall_local_communities 1"),
        "{metrics}"
    );
    assert!(
        metrics.lines().any(|l| l == "guildhall_local_people 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn readyz_is_unready_while_the_database_lacks_a_migration_of_this_binary() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let app = TestApp::spawn().await;
    let readyz = || async { app.client.get(app.url("/readyz")).send().await.unwrap() };
    assert_eq!(readyz().await.status(), 200);
    let mut conn = AsyncPgConnection::establish(&app.db.url).await.unwrap();
    for sql in [
        "CREATE TABLE held_back AS SELECT * FROM __diesel_schema_migrations \
          WHERE version = (SELECT max(version) FROM __diesel_schema_migrations)",
        "DELETE FROM __diesel_schema_migrations WHERE version IN (SELECT version FROM held_back)",
    ] {
        diesel::sql_query(sql).execute(&mut conn).await.unwrap();
    }
    let res = readyz().await;
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unavailable");
    assert_eq!(body["message"], "database migrations pending");
    diesel::sql_query("INSERT INTO __diesel_schema_migrations SELECT * FROM held_back")
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(readyz().await.status(), 200);
}

#[tokio::test]
async fn metrics_expose_the_delivery_queue_per_instance_requests_and_the_pool() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    // No workers: what is queued stays queued while we look.
    let app = TestApp::spawn_with(|s| s.workers = false).await;
    let mut conn = AsyncPgConnection::establish(&app.db.url).await.unwrap();
    let inboxes = [
        "https://slow.example/inbox".to_string(),
        "https://slow.example/users/a/inbox".to_string(),
        "https://other.example/inbox".to_string(),
    ];
    let actor = format!("{}/c/nobody", app.base);
    let queued = Publication {
        ap_id: "https://x.example/activities/1",
        kind: "Create",
        actor: &actor,
        body: "{}",
        inboxes: &inboxes,
    };
    guildhall::db::delivery::publish(&mut conn, &[queued])
        .await
        .unwrap();
    let _ = app.client.get(app.url("/healthz")).send().await.unwrap();
    let _ = app
        .client
        .get(app.url("/c/missing-one"))
        .send()
        .await
        .unwrap();
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let metrics = res.text().await.unwrap();
    let has = |line: &str| metrics.lines().any(|l| l == line);
    assert!(has("guildhall_deliveries_pending 3"), "{metrics}");
    assert!(
        has("guildhall_delivery_queue_depth{instance=\"slow.example\"} 2"),
        "{metrics}"
    );
    assert!(
        has("guildhall_delivery_queue_depth{instance=\"other.example\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("guildhall_delivery_queue_oldest_seconds{instance=\"slow.example\"}"),
        "{metrics}"
    );
    assert!(
        has("guildhall_http_requests_total{route=\"/healthz\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(
        has("guildhall_http_requests_total{route=\"/c/{name}\",status=\"404\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("guildhall_db_pool_connections{state=\"in_use\"}"),
        "{metrics}"
    );

    // Nothing left behind: this test queued by hand what no worker sends.
    diesel::sql_query("DELETE FROM deliveries")
        .execute(&mut conn)
        .await
        .unwrap();
}
