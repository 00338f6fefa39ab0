//! Regression tests for the holes a security review found in the inbox,
//! signatures, actor fetching and sign-in: each attack gets a quick 4xx
//! (or 429), writes nothing, and a real peer is not harmed by it.

use crate::{
    client::titled,
    common::{MemberPair, TestApp, eventually},
    fake_peer::FakePeer,
    mastodon::FakeMastodon,
};
use guildhall::api::session::SignIn;
use serde_json::json;
use std::time::{Duration, Instant};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// `Announce{Undo{Announce{…}}}` nested `depth` levels around an invalid object.
fn nested(depth: usize) -> String {
    let mut body = json!({"type": "Bogus"}).to_string();
    for level in 0..depth {
        let kind = if level % 2 == 0 { "Undo" } else { "Announce" };
        body = format!(
            r#"{{"id":"http://x.test/{level}","type":"{kind}","actor":"http://x.test/a","object":{body}}}"#
        );
    }
    body
}

#[tokio::test]
async fn deeply_nested_activities_are_refused_at_once() {
    let alpha = TestApp::spawn_named("alpha").await;
    for depth in [20, 22, 1000] {
        let started = Instant::now();
        let res = alpha
            .client
            .post(alpha.url("/inbox"))
            .header("content-type", "application/activity+json")
            .body(nested(depth))
            .send()
            .await
            .unwrap();
        let took = started.elapsed();
        assert!(
            res.status().is_client_error(),
            "depth {depth}: {}",
            res.status()
        );
        // Once exponential (7-9 s at depth 20 in a release build); the
        // bound is loose on purpose (debug build, a busy machine).
        assert!(took < Duration::from_secs(2), "depth {depth} took {took:?}");
    }
    assert_eq!(alpha.count("incoming_activities").await, 0);
}

#[tokio::test]
async fn a_signature_dated_at_the_end_of_time_is_refused_not_a_crash() {
    let alpha = TestApp::spawn_named("alpha").await;
    let mona = FakeMastodon::start().await;
    let body = json!({"id": format!("{}#likes/1", mona.actor), "type": "Like", "actor": mona.actor,
                      "object": format!("{}/c/x", alpha.base)})
    .to_string();
    let host = alpha.base.trim_start_matches("http://").to_string();
    let signature = format!(
        r#"keyId="{}#main-key",algorithm="hs2019",created=8210266876799,headers="(request-target) (created) host",signature="AAAA""#,
        mona.actor
    );
    let res = alpha
        .client
        .post(alpha.url("/inbox"))
        .header("host", host)
        .header("content-type", "application/activity+json")
        .header("signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

/// A peer `origin` with a real person `victim` whom alpha already knows,
/// and an attacker who can put files on that server.
async fn victim_known_to(alpha: &TestApp) -> (FakePeer, String) {
    let origin = FakePeer::start("origin", "mastodon").await;
    let victim = origin.actor("users/victim", "Person");
    let like = json!({"id": format!("{victim}#likes/1"), "type": "Like", "actor": victim,
                      "object": format!("{}/c/none", alpha.base)});
    assert_eq!(
        origin
            .deliver(&victim, &format!("{}/inbox", alpha.base), &like)
            .await,
        202
    );
    (origin, victim)
}

#[tokio::test]
async fn an_actor_document_at_another_url_cannot_replace_a_known_key() {
    let alpha = TestApp::spawn_named("alpha").await;
    let (origin, victim) = victim_known_to(&alpha).await;
    let key_before = alpha
        .count("people WHERE key_id LIKE '%/users/victim#main-key'")
        .await;
    assert_eq!(key_before, 1);
    // The attacker's own actor, uploaded as a file that claims the victim's id.
    let attacker = origin.actor("media/attacker", "Person");
    let mut forged = origin.actor_document(&attacker);
    forged["id"] = json!(victim);
    forged["publicKey"]["owner"] = json!(victim);
    let inbox = format!("{}/inbox", alpha.base);
    for (n, (path, content_type)) in [
        ("/media/x.json", "application/json"),
        ("/media/y.json", "application/activity+json"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut document = forged.clone();
        let key_id = format!("{}{path}#main-key", origin.base);
        document["publicKey"]["id"] = json!(key_id);
        origin.put_as(path, &document, content_type);
        // Signed with the attacker's key, named by the upload's URL.
        let activity = json!({"id": format!("{victim}#likes/forged{n}"), "type": "Like", "actor": victim,
                              "object": format!("{}/c/none", alpha.base)});
        let status = origin
            .deliver_as(&attacker, &key_id, &inbox, &activity)
            .await;
        assert_eq!(status, 401, "{path} as {content_type}");
    }
    assert_eq!(
        alpha
            .count("people WHERE key_id LIKE '%/users/victim#main-key'")
            .await,
        1,
        "the victim's key is unchanged"
    );
    assert_eq!(alpha.count("people WHERE ap_id LIKE '%/media/%'").await, 0);
    assert_eq!(
        alpha
            .count("incoming_activities WHERE ap_id LIKE '%forged%'")
            .await,
        0
    );
    alpha.settle().await;
}

#[tokio::test]
async fn a_key_id_the_actor_does_not_publish_is_refused_and_nothing_is_stored() {
    let alpha = TestApp::spawn_named("alpha").await;
    let origin = FakePeer::start("origin", "mastodon").await;
    let eve = origin.actor("users/eve", "Person");
    let mut document = origin.actor_document(&eve);
    document["publicKey"]["id"] = json!(format!("{eve}#another-key"));
    origin.put("/users/eve", &document);
    let like = json!({"id": format!("{eve}#likes/1"), "type": "Like", "actor": eve,
                      "object": format!("{}/c/none", alpha.base)});
    let status = origin
        .deliver(&eve, &format!("{}/inbox", alpha.base), &like)
        .await;
    assert_eq!(status, 401);
    assert_eq!(alpha.count("people WHERE NOT local").await, 0);
    assert_eq!(
        alpha.count("instances").await,
        0,
        "not even a NodeInfo probe"
    );
}

#[tokio::test]
async fn refused_requests_do_not_charge_the_host_they_name_but_their_address() {
    let alpha = TestApp::spawn_named_with("alpha", |s| s.inbox_rate_limit = 2).await;
    let mona = FakeMastodon::start().await;
    let inbox = format!("{}/inbox", alpha.base);
    let like = |n: u32| {
        json!({"id": format!("{}#likes/{n}", mona.actor), "type": "Like", "actor": mona.actor,
               "object": format!("{}/c/none", alpha.base)})
    };
    // Unsigned requests that claim to be mona's are refused...
    for n in 0..5 {
        let res = alpha
            .client
            .post(alpha.url("/inbox"))
            .header("content-type", "application/activity+json")
            .body(like(n).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    // ...and do not use up her server's budget.
    assert_eq!(mona.deliver(&inbox, &like(10)).await, 202);
    assert_eq!(mona.deliver(&inbox, &like(11)).await, 202);
    assert_eq!(mona.deliver(&inbox, &like(12)).await, 429);
    // The address that keeps failing is slowed down instead.
    let mut statuses = Vec::new();
    for n in 0..130 {
        let res = alpha
            .client
            .post(alpha.url("/inbox"))
            .header("content-type", "application/activity+json")
            .body(like(100 + n).to_string())
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429));
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    alpha.settle().await;
}

#[tokio::test]
async fn a_post_that_mentions_script_arrives_intact_on_the_other_instance() {
    let pair = MemberPair::start().await;
    let title = "Why <script> injection works";
    let content = "Never trust `<script>alert(1)</script>` in input.";
    pair.beta
        .api(&pair.bob)
        .create_post(&pair.handle, &titled(title, content))
        .await
        .unwrap();
    pair.settle().await;
    let posts = pair
        .alpha
        .anonymous()
        .posts("secguild")
        .await
        .unwrap()
        .items;
    let post = posts.first().expect("the post reaches alpha");
    assert_eq!(post.title.as_deref(), Some(title));
    let content = &post.content;
    assert!(
        content.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{content}"
    );
    assert!(!content.contains("<script"), "{content}");
    assert_eq!(
        pair.alpha
            .count("incoming_activities WHERE error IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn the_summary_we_send_is_escaped_text() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let post = alpha
        .api(&alice)
        .create_post("secguild", &titled("Escaping", "Write `<b>` & `</b>`"))
        .await
        .unwrap();
    let (_, object) = alpha
        .get_json(&format!("/p/{}", post.id), "application/activity+json")
        .await;
    assert_eq!(object["summary"], "Write &lt;b&gt; &amp; &lt;/b&gt;");
}

/// A sign-in request's body.
fn sign_in(username: &str, password: &str) -> String {
    serde_json::to_string(&SignIn {
        username: username.to_string(),
        password: password.to_string(),
    })
    .unwrap()
}

#[tokio::test]
async fn a_sign_in_flood_gets_401_or_429_and_readers_are_not_held_up() {
    let app = TestApp::spawn_with(|s| s.database_pool_size = 4).await;
    let token = app.user("alice", false).await;
    app.community(&token, "secguild").await;
    let flood: Vec<_> = (0..200)
        .map(|n| {
            let client = app.client.clone();
            let url = app.url("/api/v1/session");
            let user = if n % 2 == 0 { "alice" } else { "nobody" };
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(sign_in(user, "wrong password"))
                    .send()
                    .await
                    .map(|r| (r.status().as_u16(), r.headers().contains_key("retry-after")))
                    .unwrap_or((0, false))
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let started = Instant::now();
        let (status, _) = app
            .get_json("/c/secguild", "application/activity+json")
            .await;
        slowest = slowest.max(started.elapsed());
        assert_eq!(status, 200);
    }
    let mut statuses = Vec::new();
    for task in flood {
        statuses.push(task.await.unwrap());
    }
    assert!(
        statuses
            .iter()
            .all(|(s, retry)| *s == 401 || (*s == 429 && *retry)),
        "{statuses:?}"
    );
    assert!(statuses.iter().any(|(s, _)| *s == 429));
    // Loose: the figure for a release build is in docs/BENCHMARKS.md.
    assert!(
        slowest < Duration::from_secs(1),
        "a reader waited {slowest:?}"
    );
}

#[tokio::test]
async fn a_post_sent_straight_to_us_for_a_remote_community_is_refused() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    let evil = FakePeer::start("evil", "lemmy").await;
    let group = evil.actor("c/hostile", "Group");
    let mallory = evil.actor("u/mallory", "Person");
    let host = evil.base.trim_start_matches("http://").to_string();
    evil.put_as(
        "/.well-known/webfinger",
        &json!({"subject": format!("acct:hostile@{host}"),
                "links": [{"rel": "self", "type": "application/activity+json", "href": group}]}),
        "application/jrd+json",
    );
    alpha
        .api(&alice)
        .follow(&format!("hostile@{host}"))
        .await
        .unwrap();
    let create = json!({"id": format!("{}/activities/create/1", evil.base), "type": "Create", "actor": mallory,
        "to": [PUBLIC], "cc": [group],
        "object": {"id": format!("{}/notes/1", evil.base), "type": "Note", "attributedTo": mallory,
                   "content": "<p>around the moderators</p>", "to": [PUBLIC], "cc": [group], "audience": group}});
    assert_eq!(
        evil.deliver(&mallory, &format!("{}/inbox", alpha.base), &create)
            .await,
        202
    );
    alpha.settle().await;
    assert!(
        alpha
            .count("incoming_activities WHERE processed_at IS NOT NULL")
            .await
            >= 1,
        "alpha processed it"
    );
    assert_eq!(alpha.count("posts").await, 0);
    assert_eq!(
        alpha
            .count("incoming_activities WHERE error LIKE '%announces%'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_delivery_answered_401_is_retried_until_it_is_taken() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let peer = FakePeer::start("peer", "mastodon").await;
    let dana = peer.actor("users/dana", "Person");
    // The peer does not know our key yet: it answers 401 (with a huge body).
    peer.set_inbox_status(401);
    let group = format!("{}/c/secguild", alpha.base);
    let follow = json!({"id": format!("{dana}#follows/1"), "type": "Follow", "actor": dana, "object": group});
    assert_eq!(
        peer.deliver(&dana, &format!("{group}/inbox"), &follow)
            .await,
        202
    );
    // Polled, not settled: the Accept stays queued on purpose while the
    // peer refuses it; this waits for retries in progress.
    eventually("the Accept was tried and failed", || async {
        (alpha.count("deliveries WHERE attempts >= 2").await == 1).then_some(())
    })
    .await;
    peer.set_inbox_status(0);
    alpha.settle().await;
    assert!(
        !peer.received("Accept").is_empty(),
        "the Accept arrives once the peer takes it"
    );
    assert_eq!(alpha.count("deliveries").await, 0);
}

#[tokio::test]
async fn activities_of_a_type_we_do_not_take_do_not_throttle_their_server() {
    let alpha = TestApp::spawn_named_with("alpha", |s| s.inbox_failure_limit = 3).await;
    let mona = FakeMastodon::start().await;
    let inbox = format!("{}/inbox", alpha.base);
    for n in 0..5 {
        let moved = json!({"id": format!("{}#moves/{n}", mona.actor), "type": "Move",
                           "actor": mona.actor, "object": mona.actor});
        assert_eq!(mona.deliver(&inbox, &moved).await, 422, "Move {n}");
    }
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let res = alpha
            .client
            .post(alpha.url("/inbox"))
            .header("content-type", "application/activity+json")
            .body("{\"type\": ")
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [400, 400, 400, 429]);
}
