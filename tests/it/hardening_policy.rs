//! Regression tests for the smaller holes of the security review: blocks
//! that cover subdomains and apply to activities already queued, the outbox
//! behind authorized fetch, anonymous API reads that must not reach out,
//! inboxes on other servers, session lifetime, NodeInfo probes that failed,
//! and processed activities that keep only their id.

use crate::{client::Refused, common::TestApp, fake_peer::FakePeer};
use guildhall::{settings::Settings, startup::Application};
use serde_json::{Value, json};

async fn admin_block(app: &TestApp, admin: &str, domain: &str) {
    app.api(admin)
        .admin_domain("blocks", domain, true)
        .await
        .unwrap();
}

fn like(actor: &str, n: u32, app: &TestApp) -> Value {
    json!({"id": format!("{actor}#likes/{n}"), "type": "Like", "actor": actor,
           "object": format!("{}/c/none", app.base)})
}

#[tokio::test]
async fn a_block_covers_subdomains_and_activities_already_queued() {
    let alpha = TestApp::spawn_named_with("alpha", |s| s.workers = false).await;
    let admin = alpha.user("root", true).await;
    let peer = FakePeer::start("sub.evil", "mastodon").await;
    let eve = peer.actor("users/eve", "Person");
    let inbox = format!("{}/inbox", alpha.base);
    // Accepted and queued while the worker is off...
    assert_eq!(
        peer.deliver(&eve, &inbox, &like(&eve, 1, &alpha)).await,
        202
    );
    // ...then the parent domain is blocked.
    admin_block(&alpha, &admin, "evil.test").await;
    assert_eq!(
        peer.deliver(&eve, &inbox, &like(&eve, 2, &alpha)).await,
        403
    );
    // A worker (a second process on the same database) now refuses what
    // was queued before the block.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let worker = Application::build_on(
        Settings {
            bind: listener.local_addr().unwrap().to_string(),
            workers: true,
            ..alpha.settings.clone()
        },
        listener,
    )
    .await
    .unwrap();
    tokio::spawn(worker.run_until_stopped());
    alpha.settle().await;
    assert_eq!(
        alpha
            .count("incoming_activities WHERE processed_at IS NOT NULL AND error LIKE '%not federated%'")
            .await,
        1,
        "the queued activity is refused"
    );
}

#[tokio::test]
async fn the_outbox_needs_a_signed_fetch_under_authorized_fetch() {
    let alpha = TestApp::spawn_named_with("alpha", |s| s.authorized_fetch = true).await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let (status, _) = alpha
        .get_json("/c/secguild/outbox", "application/activity+json")
        .await;
    assert_eq!(status, 401);
    let (status, _) = alpha
        .get_json("/c/secguild/followers", "application/activity+json")
        .await;
    assert_eq!(status, 200, "counts stay public");
}

#[tokio::test]
async fn anonymous_api_reads_do_not_make_us_contact_other_hosts() {
    let alpha = TestApp::spawn_named("alpha").await;
    let peer = FakePeer::start("elsewhere", "lemmy").await;
    let group = peer.actor("c/guild", "Group");
    let host = peer.base.trim_start_matches("http://").to_string();
    peer.put_as(
        "/.well-known/webfinger",
        &json!({"subject": format!("acct:guild@{host}"),
                "links": [{"rel": "self", "type": "application/activity+json", "href": group}]}),
        "application/jrd+json",
    );
    let handle = format!("guild@{host}");
    let anonymous = alpha.anonymous();
    let refused = anonymous.community(&handle).await.refused();
    assert_eq!(refused.status, 404, "the community: {refused:?}");
    let refused = anonymous.posts(&handle).await.refused();
    assert_eq!(refused.status, 404, "its posts: {refused:?}");
    assert_eq!(alpha.count("communities").await, 0);
    assert_eq!(alpha.count("instances").await, 0);
    // Signed in, the same lookup is made.
    let alice = alpha.user("alice", false).await;
    let found = alpha.api(&alice).community(&handle).await;
    found.expect("signed in, the community is found");
}

#[tokio::test]
async fn an_actor_whose_inbox_is_on_another_server_is_not_stored() {
    let alpha = TestApp::spawn_named("alpha").await;
    let peer = FakePeer::start("peer", "mastodon").await;
    let eve = peer.actor("users/eve", "Person");
    let mut document = peer.actor_document(&eve);
    document["inbox"] = json!("http://victim.test:1/inbox");
    document["endpoints"]["sharedInbox"] = json!("http://victim.test:1/inbox");
    peer.put("/users/eve", &document);
    let inbox = format!("{}/inbox", alpha.base);
    let status = peer.deliver(&eve, &inbox, &like(&eve, 1, &alpha)).await;
    assert_eq!(status, 401);
    assert_eq!(alpha.count("people WHERE NOT local").await, 0);
    assert_eq!(
        alpha.count("incoming_activities").await,
        0,
        "nothing is kept from an actor we cannot store"
    );
}

#[tokio::test]
async fn sessions_can_be_listed_revoked_and_expire() {
    let app = TestApp::spawn_with(|s| s.session_days = 30).await;
    let first = app.api(&app.user("alice", false).await);
    let second = app
        .anonymous()
        .sign_in("alice", "correct horse battery")
        .await
        .unwrap()
        .token;
    let second = app.api(&second);
    let items = second.sessions().await.unwrap().items;
    assert_eq!(items.len(), 2);
    // Each has an expiry time (`SessionView` requires one).
    let other = items.iter().find(|s| !s.current).unwrap();
    second.revoke_session(&other.id).await.unwrap();
    assert_eq!(first.sessions().await.refused().status, 401);
    // A session older than `session_days` no longer signs anyone in.
    let mut conn = {
        use diesel_async::AsyncConnection;
        diesel_async::AsyncPgConnection::establish(&app.db.url)
            .await
            .unwrap()
    };
    use diesel_async::RunQueryDsl;
    diesel::sql_query("UPDATE sessions SET created_at = now() - interval '31 days'")
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(second.sessions().await.refused().status, 401);
}

#[tokio::test]
async fn a_failed_nodeinfo_probe_is_tried_again_later() {
    let alpha = TestApp::spawn_named("alpha").await;
    let peer = FakePeer::start("group-aware", "lemmy").await;
    let first = peer.actor("users/one", "Person");
    let second = peer.actor("users/two", "Person");
    // NodeInfo missing at first: the probe fails.
    peer.put_as(
        "/.well-known/nodeinfo",
        &json!({"links": []}),
        "application/json",
    );
    let inbox = format!("{}/inbox", alpha.base);
    assert_eq!(
        peer.deliver(&first, &inbox, &like(&first, 1, &alpha)).await,
        202
    );
    assert_eq!(
        alpha
            .count("instances WHERE software = 'unknown' AND software_retry_at > now()")
            .await,
        1
    );
    // Once the retry time has come, the next actor from there probes again.
    peer.put_as(
        "/.well-known/nodeinfo",
        &json!({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                           "href": format!("{}/nodeinfo/2.1", peer.base)}]}),
        "application/json",
    );
    let mut conn = {
        use diesel_async::AsyncConnection;
        diesel_async::AsyncPgConnection::establish(&alpha.db.url)
            .await
            .unwrap()
    };
    use diesel_async::RunQueryDsl;
    diesel::sql_query("UPDATE instances SET software_retry_at = now() - interval '1 minute'")
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        peer.deliver(&second, &inbox, &like(&second, 1, &alpha))
            .await,
        202
    );
    assert_eq!(
        alpha
            .count("instances WHERE software = 'lemmy' AND software_retry_at IS NULL")
            .await,
        1
    );
    alpha.settle().await;
}

#[tokio::test]
async fn a_processed_activity_keeps_its_id_but_not_its_body() {
    let alpha = TestApp::spawn_named("alpha").await;
    let peer = FakePeer::start("peer", "mastodon").await;
    let eve = peer.actor("users/eve", "Person");
    let inbox = format!("{}/inbox", alpha.base);
    let activity = like(&eve, 1, &alpha);
    assert_eq!(peer.deliver(&eve, &inbox, &activity).await, 202);
    alpha.settle().await;
    assert_eq!(
        alpha.count("incoming_activities WHERE body IS NULL").await,
        1
    );
    // A replay is still recognised.
    assert_eq!(peer.deliver(&eve, &inbox, &activity).await, 202);
    assert_eq!(alpha.count("incoming_activities").await, 1);
}

#[tokio::test]
async fn debug_output_never_shows_keys_or_password_hashes() {
    let app = TestApp::spawn_with(|s| {
        s.database_url = s.database_url.replace("postgres@", "postgres:s3cret@");
    })
    .await;
    let state = app.state().await;
    let person =
        guildhall::services::account::create_user(&state, "alice", "a long password", true)
            .await
            .unwrap();
    let printed = format!("{person:?} {:?}", state.settings);
    assert!(person.private_key.is_some() && person.password_hash.is_some());
    for secret in ["PRIVATE KEY", "argon2", "s3cret"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(printed.contains("alice"));
}
