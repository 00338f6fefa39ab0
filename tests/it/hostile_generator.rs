//! A bounded hostile-input generator at the inbox: it mutates valid, signed
//! activities of a real peer (wrong types in every field, missing and
//! duplicated fields, huge strings, deep nesting, bad, IP-literal and
//! private-address URLs, NUL characters, wrong digests, dates and keys)
//! and checks that no answer is a 5xx, no answer takes a second, and no
//! refused request writes a row. Deterministic (a fixed seed); the number
//! of cases is `GUILDHALL_HOSTILE_CASES` (default 2,000).

use crate::{client::untitled, common::TestApp, fake_peer::FakePeer};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use serde_json::{Value, json};
use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Valid activities of `eve` towards alpha's community `group`.
fn seeds(eve: &str, group: &str, post: &str, n: usize) -> Vec<Value> {
    let note = json!({"id": format!("{eve}/notes/{n}"), "type": "Note", "attributedTo": eve,
        "content": "<p>hello</p>", "name": "A title", "published": "2026-11-29T10:00:00Z",
        "to": [PUBLIC], "cc": [group], "audience": group,
        "tag": [{"type": "Mention", "href": group, "name": "@secguild"}]});
    let like =
        json!({"id": format!("{eve}/likes/{n}"), "type": "Like", "actor": eve, "object": post});
    vec![
        json!({"id": format!("{eve}/create/{n}"), "type": "Create", "actor": eve,
               "to": [PUBLIC], "cc": [group], "object": note}),
        json!({"id": format!("{eve}/update/{n}"), "type": "Update", "actor": eve,
               "to": [PUBLIC], "object": note}),
        like.clone(),
        json!({"id": format!("{eve}/undo/{n}"), "type": "Undo", "actor": eve, "object": like}),
        json!({"id": format!("{eve}/delete/{n}"), "type": "Delete", "actor": eve, "object": note["id"]}),
        json!({"id": format!("{eve}/follow/{n}"), "type": "Follow", "actor": eve, "object": group}),
        json!({"id": format!("{eve}/announce/{n}"), "type": "Announce", "actor": eve,
               "to": [PUBLIC], "object": {"id": format!("{eve}/create/x{n}"), "type": "Create",
                                          "actor": eve, "object": note}}),
    ]
}

/// Every path to a value in `value`.
fn paths(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(key.clone());
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(i.to_string());
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[String]) -> String {
    path.iter().map(|p| format!("/{p}")).collect()
}

fn hostile_value(rng: &mut StdRng) -> Value {
    let deep = (0..200).fold(json!("bottom"), |inner, _| json!({"object": inner}));
    let choices = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1e308),
        json!([]),
        json!({}),
        json!([[[[["nested"]]]]]),
        json!("a".repeat(rng.gen_range(1_000..300_000))),
        json!("x\u{0}y"),
        json!("ftp://peer.test/x"),
        json!("http://127.0.0.1/inbox"),
        json!("http://10.0.0.1/inbox"),
        json!("http://[::1]:8080/x"),
        json!("http://169.254.169.254/latest/meta-data"),
        json!("javascript:alert(1)"),
        json!(format!("https://peer.test/{}", "p".repeat(3_000))),
        json!("not a url at all"),
        json!("<script>alert(1)</script>"),
        json!("99999-12-31T25:61:61Z"),
        json!("Public"),
        deep,
    ];
    choices.choose(rng).unwrap().clone()
}

/// One mutation of `seed`: returns the body to send.
fn mutate(seed: &Value, rng: &mut StdRng) -> String {
    let mut value = seed.clone();
    let mut all = Vec::new();
    paths(&value, &mut Vec::new(), &mut all);
    let path = all.choose(rng).unwrap().clone();
    let at = pointer(&path);
    match rng.gen_range(0..10) {
        0..=5 => {
            if let Some(slot) = value.pointer_mut(&at) {
                *slot = hostile_value(rng);
            }
        }
        6 | 7 => {
            let (parent, last) = path.split_at(path.len() - 1);
            match value.pointer_mut(&pointer(parent)) {
                Some(Value::Object(map)) => {
                    map.remove(&last[0]);
                }
                Some(Value::Array(items)) if !items.is_empty() => {
                    items.remove(0);
                }
                _ => {}
            }
        }
        8 => {
            // A duplicated field, with another value first.
            let text = value.to_string();
            let key = path.last().unwrap();
            return text.replacen('{', &format!("{{\"{key}\":{},", hostile_value(rng)), 1);
        }
        _ => {
            // Text-level damage.
            let mut text = value.to_string();
            let cut = rng.gen_range(0..text.len());
            text.truncate(cut);
            return text;
        }
    }
    value.to_string()
}

/// How a request is signed.
#[derive(Clone, Copy, Debug)]
enum Signing {
    Valid,
    WrongKey,
    Unsigned,
    BadDigest,
    Stale,
    FarFuture,
}

#[tokio::test]
async fn thousands_of_mutated_activities_get_no_5xx_answer_fast_and_refusals_write_nothing() {
    let cases: usize = std::env::var("GUILDHALL_HOSTILE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let alpha = TestApp::spawn_named_with("alpha", |s| {
        s.inbox_failure_limit = 1_000_000;
        s.inbox_rate_limit = 1_000_000;
    })
    .await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let post = alpha
        .api(&alice)
        .create_post("secguild", &untitled("target"))
        .await
        .unwrap();
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{group}/inbox");
    let peer = FakePeer::start("peer", "mastodon").await;
    let eve = peer.actor("users/eve", "Person");
    let mallory = peer.actor("users/mallory", "Person");
    // Eve is a member, so mutations reach the deeper paths too.
    let follow =
        json!({"id": format!("{eve}/follow/0"), "type": "Follow", "actor": eve, "object": group});
    assert_eq!(peer.deliver(&eve, &inbox, &follow).await, 202);
    alpha.settle().await;
    assert_eq!(alpha.count("community_follows").await, 1, "eve is a member");
    let baseline_people = alpha.count("people").await;
    let rss_before = rss_kb();

    let mut rng = StdRng::seed_from_u64(0x6775_696c_6468);
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut slowest = Duration::ZERO;
    let mut accepted = std::collections::HashSet::new();
    let signings = [
        Signing::Valid,
        Signing::Valid,
        Signing::Valid,
        Signing::WrongKey,
        Signing::Unsigned,
        Signing::BadDigest,
        Signing::Stale,
        Signing::FarFuture,
    ];
    for case in 0..cases {
        let seeds = seeds(&eve, &group, &post.ap_id, case);
        let seed = seeds.choose(&mut rng).unwrap();
        let body = mutate(seed, &mut rng);
        let signing = *signings.choose(&mut rng).unwrap();
        let started = Instant::now();
        let status = match signing {
            Signing::Valid => peer.post_raw(&eve, &inbox, &body, None, 0).await,
            Signing::WrongKey => peer.post_raw(&mallory, &inbox, &body, None, 0).await,
            Signing::Unsigned => peer.post_unsigned(&inbox, &body).await,
            Signing::BadDigest => peer.post_raw(&eve, &inbox, &body, Some("{}"), 0).await,
            Signing::Stale => peer.post_raw(&eve, &inbox, &body, None, -3 * 3600).await,
            Signing::FarFuture => peer.post_raw(&eve, &inbox, &body, None, 3 * 3600).await,
        };
        slowest = slowest.max(started.elapsed());
        *statuses.entry(status).or_default() += 1;
        assert!(
            status < 500,
            "case {case} ({signing:?}) got {status}: {body:.300}"
        );
        if status == 202
            && let Some(id) = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| v["id"].as_str().map(str::to_owned))
        {
            accepted.insert(id);
        }
    }
    let rss_after = rss_kb();
    eprintln!(
        "hostile generator: {cases} cases, statuses {statuses:?}, slowest {slowest:?}, RSS {rss_before} kB -> {rss_after} kB"
    );
    assert!(
        slowest < Duration::from_secs(1),
        "slowest answer {slowest:?}"
    );
    // Only accepted activities were stored (the follow, plus one row per
    // distinct accepted id), and no actor but eve was cached.
    assert_eq!(
        alpha.count("incoming_activities").await as usize,
        1 + accepted.len()
    );
    assert_eq!(alpha.count("people").await, baseline_people);
    assert_eq!(alpha.count("instances").await, 1, "only eve's server");
    // What was accepted is processed or refused for good: none of it fails
    // inside (which would leave it pending for retries) or panics.
    alpha.settle().await;
    assert_eq!(
        alpha
            .count("incoming_activities WHERE processed_at IS NULL")
            .await,
        0,
        "every accepted activity is processed"
    );
    assert_eq!(
        alpha
            .count("incoming_activities WHERE dead_at IS NOT NULL OR error LIKE 'internal%'")
            .await,
        0
    );
}

/// The resident memory of this process, in kB.
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
