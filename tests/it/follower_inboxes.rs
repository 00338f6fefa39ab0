//! A community's announces follow every change of its followers at once,
//! though each process keeps their inboxes between activities (with a
//! version the database moves): a follow accepted or ended, a follower's
//! inbox moved, an instance's software learned. The workers are off, so
//! what each post queued stays in `deliveries` to be read.

use crate::{client::titled, common::TestApp};
use chrono::Utc;
use diesel::{QueryableByName, sql_types::Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use guildhall::db::{
    community,
    follow::{self, FollowState},
    peer,
    person::{self, PersonRow, RemotePerson},
};

/// Stores a remote person `name` of `host` with the shared inbox `shared`.
async fn remote(conn: &mut AsyncPgConnection, name: &str, host: &str, shared: &str) -> PersonRow {
    let ap_id = format!("http://{host}/users/{name}");
    let inbox = format!("{ap_id}/inbox");
    person::upsert_remote(
        conn,
        &RemotePerson {
            ap_id: &ap_id,
            username: Some(name),
            domain: host,
            local: false,
            display_name: None,
            inbox: &inbox,
            shared_inbox: Some(shared),
            public_key: "not used here",
            key_id: None,
            refreshed_at: Utc::now(),
        },
    )
    .await
    .unwrap()
}

#[derive(QueryableByName)]
struct Queued {
    #[diesel(sql_type = Text)]
    inbox: String,
    #[diesel(sql_type = Text)]
    body: String,
}

/// Posts `title` as alice; what it queued, by inbox: whether the announce
/// carries the whole activity (group-aware software) or the post's id.
async fn post(
    app: &TestApp,
    conn: &mut AsyncPgConnection,
    alice: &str,
    title: &str,
) -> Vec<(String, &'static str)> {
    app.api(alice)
        .create_post("secguild", &titled(title, "Notes."))
        .await
        .unwrap();
    let queued: Vec<Queued> = diesel::sql_query(
        "SELECT d.inbox, o.body FROM deliveries d
         JOIN outgoing_activities o ON o.id = d.activity_id ORDER BY d.inbox",
    )
    .load(conn)
    .await
    .unwrap();
    diesel::sql_query("DELETE FROM deliveries")
        .execute(conn)
        .await
        .unwrap();
    queued
        .into_iter()
        .map(|q| {
            let body: serde_json::Value = serde_json::from_str(&q.body).unwrap();
            let shape = if body["object"].is_object() {
                "activity"
            } else {
                "id"
            };
            (q.inbox, shape)
        })
        .collect()
}

#[tokio::test]
async fn announces_follow_each_change_of_the_followers_at_once() {
    let app = TestApp::spawn_with(|s| s.workers = false).await;
    let alice = app.user("alice", false).await;
    app.community(&alice, "secguild").await;
    let guild = app.community_row("secguild").await;
    let state = app.state().await;
    let mut conn = state.pool.get().await.unwrap();
    let conn = &mut *conn;
    let mona = remote(conn, "mona", "masto.test", "http://masto.test/inbox").await;
    follow::upsert(conn, guild.id, mona.id, FollowState::Accepted, None)
        .await
        .unwrap();
    let only_mona = vec![("http://masto.test/inbox".to_string(), "id")];
    assert_eq!(post(&app, conn, &alice, "One").await, only_mona);
    assert_eq!(
        post(&app, conn, &alice, "Two").await,
        only_mona,
        "kept, the same"
    );

    // A host's first delivery success recorded, its software unknown yet,
    // changes nothing kept: the version stays (a fan-out to thousands of
    // new hosts must not rewrite the community row for each).
    let before = community::find(conn, guild.id).await.unwrap().unwrap();
    peer::record_successes(conn, &[("masto.test".to_string(), 1)], Utc::now())
        .await
        .unwrap();
    let after = community::find(conn, guild.id).await.unwrap().unwrap();
    assert_eq!(
        after.followers_version, before.followers_version,
        "an instance without software"
    );

    let lena = remote(conn, "lena", "lemmy.test", "http://lemmy.test/inbox").await;
    peer::set_software(conn, "lemmy.test", "lemmy", None)
        .await
        .unwrap();
    follow::upsert(conn, guild.id, lena.id, FollowState::Pending, None)
        .await
        .unwrap();
    assert_eq!(
        post(&app, conn, &alice, "Three").await,
        only_mona,
        "pending is not following"
    );
    follow::accept(conn, guild.id, lena.id).await.unwrap();
    let both = vec![
        ("http://lemmy.test/inbox".to_string(), "activity"),
        ("http://masto.test/inbox".to_string(), "id"),
    ];
    assert_eq!(
        post(&app, conn, &alice, "Four").await,
        both,
        "a follow accepted"
    );

    remote(conn, "mona", "masto.test", "http://masto.test/shared").await;
    let moved = vec![
        ("http://lemmy.test/inbox".to_string(), "activity"),
        ("http://masto.test/shared".to_string(), "id"),
    ];
    assert_eq!(
        post(&app, conn, &alice, "Five").await,
        moved,
        "an inbox moved"
    );

    peer::set_software(conn, "masto.test", "kbin", None)
        .await
        .unwrap();
    let learned = vec![
        ("http://lemmy.test/inbox".to_string(), "activity"),
        ("http://masto.test/shared".to_string(), "activity"),
    ];
    assert_eq!(
        post(&app, conn, &alice, "Six").await,
        learned,
        "software learned"
    );

    follow::remove(conn, guild.id, lena.id).await.unwrap();
    let left = vec![("http://masto.test/shared".to_string(), "activity")];
    assert_eq!(
        post(&app, conn, &alice, "Seven").await,
        left,
        "a follow ended"
    );
}
