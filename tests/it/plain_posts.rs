//! Toots that arrive together are taken together (the inbox worker's
//! batch lane for plain top-level posts): each is stored once, each
//! first-time poster welcomed once, each new post announced once to every
//! follower, what may not be published refused with its reason, and every
//! activity marked processed. A front process (workers off) takes the
//! requests; a worker process started afterwards finds them all waiting
//! and claims them in one batch.

use crate::{
    common::{self, TestApp, eventually},
    mastodon::FakeMastodon,
    mastodon_peer::mention_toot,
};
use guildhall::startup::Application;
use serde_json::{Value, json};
use std::net::TcpListener;

/// A process of `front`'s instance with its workers on; stopped with the
/// handle it returns.
async fn worker(front: &TestApp) -> (actix_web::dev::ServerHandle, u16) {
    let mut settings = front.settings.clone();
    settings.workers = true;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Application::build_on(settings, listener).await.unwrap();
    let handle = app.stop_handle();
    tokio::spawn(app.run_until_stopped());
    (handle, port)
}

/// The value of the metric line `name` on the process at `port`.
async fn metric(port: u16, name: &str) -> f64 {
    common::metric(&format!("http://127.0.0.1:{port}/metrics"), name).await
}

/// How many announces `peer` received of `object` (a boost names it).
fn boosts_of(peer: &FakeMastodon, object: &str) -> usize {
    peer.received("Announce")
        .iter()
        .filter(|a| a.body["object"] == json!(object))
        .count()
}

#[tokio::test]
async fn toots_arriving_together_are_stored_welcomed_and_announced_once_each() {
    let front = TestApp::spawn_named_with("alpha", |s| s.workers = false).await;
    let alice = front.user("alice", false).await;
    front.celebrating_community(&alice, "secguild").await;
    let group = format!("{}/c/secguild", front.base);
    let inbox = format!("{group}/inbox");
    let (mona, dave, erin) = (
        FakeMastodon::start().await,
        FakeMastodon::start().await,
        FakeMastodon::start().await,
    );
    for peer in [&mona, &dave, &erin] {
        let follow = json!({"id": format!("{}#follows/1", peer.actor), "type": "Follow", "actor": peer.actor, "object": group});
        assert_eq!(peer.deliver(&inbox, &follow).await, 202);
    }
    let (first, _) = worker(&front).await;
    for peer in [&mona, &dave, &erin] {
        eventually("each follow is accepted", || async {
            peer.received("Accept").pop()
        })
        .await;
    }
    first.stop(true).await;

    // All of these wait in the queue until the next worker starts.
    let mut sent: Vec<(&FakeMastodon, Value)> = Vec::new();
    for n in 1..=3 {
        sent.push((&mona, mention_toot(&mona, &group, n, true)));
    }
    for n in 1..=2 {
        sent.push((&dave, mention_toot(&dave, &group, n, true)));
    }
    // The same post again, in another activity: stored and passed on once.
    let mut again = mention_toot(&dave, &group, 1, true);
    again["id"] = json!(format!("{}/statuses/1/again", dave.actor));
    sent.push((&dave, again));
    // Followers-only: refused, with its reason.
    sent.push((&erin, mention_toot(&erin, &group, 1, false)));
    for (peer, toot) in &sent {
        assert_eq!(peer.deliver(&inbox, toot).await, 202);
    }
    let waiting = "incoming_activities WHERE processed_at IS NULL";
    assert_eq!(front.count(waiting).await, 7, "nothing is processed yet");

    let (second, port_2) = worker(&front).await;
    let processed = "guildhall_inbox_activities_total{type=\"Create\",outcome=\"processed\"}";
    let refused = "guildhall_inbox_activities_total{type=\"Create\",outcome=\"refused\"}";
    eventually("the worker took all seven", || async {
        (metric(port_2, processed).await + metric(port_2, refused).await >= 7.0).then_some(())
    })
    .await;
    assert_eq!(metric(port_2, processed).await, 6.0);
    assert_eq!(metric(port_2, refused).await, 1.0);
    assert_eq!(front.count(waiting).await, 0, "every activity is marked");
    let refusal = "incoming_activities WHERE error LIKE '%only public posts%'";
    assert_eq!(front.count(refusal).await, 1, "the refusal is recorded");
    assert_eq!(front.count("posts WHERE NOT local").await, 5);
    assert_eq!(
        front.count("posts WHERE milestone = 'first_post'").await,
        2,
        "mona and dave are welcomed once each"
    );

    let stored: Vec<String> = (1..=3)
        .map(|n| format!("{}/statuses/{n}", mona.actor))
        .chain((1..=2).map(|n| format!("{}/statuses/{n}", dave.actor)))
        .collect();
    for peer in [&mona, &dave, &erin] {
        eventually("every follower gets a boost of each new post", || async {
            stored
                .iter()
                .all(|toot| boosts_of(peer, toot) >= 1)
                .then_some(())
        })
        .await;
    }
    // Nothing more is on its way, then no boost came twice.
    eventually("the queue is empty", || async {
        (front.count("deliveries").await == 0).then_some(())
    })
    .await;
    for peer in [&mona, &dave, &erin] {
        for toot in &stored {
            assert_eq!(boosts_of(peer, toot), 1, "{toot} boosted once");
        }
        let refused_toot = format!("{}/statuses/1", erin.actor);
        assert_eq!(boosts_of(peer, &refused_toot), 0);
    }
    second.stop(true).await;
}
