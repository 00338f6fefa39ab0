//! Hostile input at the inbox: every trick gets a 4xx and nothing is stored.

use crate::{
    common::TestApp,
    mastodon::{FakeMastodon, httpdate_at},
};
use serde_json::{Value, json};

fn note(mona: &FakeMastodon, group: &str, id: &str, content: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{id}/activity"), "type": "Create", "actor": mona.actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [group],
        "object": {"id": id, "type": "Note", "attributedTo": mona.actor, "content": content,
                   "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [group],
                   "tag": [{"type": "Mention", "href": group}]}
    })
}

#[tokio::test]
async fn forged_replayed_oversized_and_unknown_activities_are_refused_and_nothing_is_stored() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{group}/inbox");
    let mona = FakeMastodon::start().await;
    let now = httpdate_at(chrono::Duration::zero());
    let fresh = |n: u32| format!("{}/statuses/{n}", mona.actor);

    let valid = note(&mona, &group, &fresh(1), "<p>hello</p>").to_string();
    let mut wrong_owner = note(&mona, &group, &fresh(2), "<p>hi</p>");
    wrong_owner["actor"] = json!(format!(
        "{}/users/other",
        mona.actor.rsplit_once("/users/").unwrap().0
    ));
    let mut forged_id = note(&mona, &group, &fresh(3), "<p>hi</p>");
    forged_id["id"] = json!("http://evil.test/activities/1");
    let scripted = note(
        &mona,
        &group,
        &fresh(4),
        "<p>hi<script>alert(1)</script></p>",
    );
    let unknown = json!({"id": format!("{}#moves/1", mona.actor), "type": "Move", "actor": mona.actor, "object": mona.actor});
    let huge = note(&mona, &group, &fresh(5), &"a".repeat(2 * 1024 * 1024));

    let cases: Vec<(&str, String, String, bool, u16)> = vec![
        ("tampered signature", valid.clone(), now.clone(), true, 401),
        (
            "replayed two hours later",
            valid.clone(),
            httpdate_at(chrono::Duration::hours(-2)),
            false,
            401,
        ),
        (
            "dated in the future",
            valid.clone(),
            httpdate_at(chrono::Duration::hours(2)),
            false,
            401,
        ),
        (
            "key owner is not the actor",
            wrong_owner.to_string(),
            now.clone(),
            false,
            401,
        ),
        (
            "id on another domain",
            forged_id.to_string(),
            now.clone(),
            false,
            403,
        ),
        (
            "unknown activity type",
            unknown.to_string(),
            now.clone(),
            false,
            422,
        ),
        (
            "malformed JSON",
            "{\"type\": ".to_string(),
            now.clone(),
            false,
            400,
        ),
        ("oversized body", huge.to_string(), now.clone(), false, 413),
    ];
    for (what, body, date, tamper, status) in cases {
        let got = mona.deliver_raw(&inbox, body, &date, tamper).await;
        assert_eq!(got.as_u16(), status, "{what}");
    }
    let unsigned = alpha
        .client
        .post(alpha.url("/c/secguild/inbox"))
        .header("content-type", "application/activity+json")
        .body(valid.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401, "no signature");
    assert_eq!(alpha.count("incoming_activities").await, 0);
    assert_eq!(alpha.count("posts").await, 0);

    // The same, well-formed and signed, is taken.
    assert_eq!(
        mona.deliver_raw(&inbox, valid.clone(), &now, false).await,
        202
    );
    assert_eq!(alpha.count("incoming_activities").await, 1);
    // And a replay of it is de-duplicated by id.
    assert_eq!(mona.deliver_raw(&inbox, valid, &now, false).await, 202);
    assert_eq!(alpha.count("incoming_activities").await, 1);
    // Markup is sanitised when stored, not refused: script elements too.
    assert_eq!(
        mona.deliver_raw(&inbox, scripted.to_string(), &now, false)
            .await,
        202
    );
    // Writing *about* scripts is not a script.
    let about = note(
        &mona,
        &group,
        &fresh(7),
        "<p>Never allow javascript: URLs or &lt;script&gt; tags; onclick= is risky too.</p>",
    );
    assert_eq!(
        mona.deliver_raw(&inbox, about.to_string(), &now, false)
            .await,
        202
    );
    alpha.settle().await;
}

#[tokio::test]
async fn an_instance_over_its_rate_limit_gets_429_and_nothing_more_is_stored() {
    let alpha = TestApp::spawn_named_with("alpha", |s| s.inbox_rate_limit = 2).await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let group = format!("{}/c/secguild", alpha.base);
    let mona = FakeMastodon::start().await;
    let mut statuses = Vec::new();
    for n in 0..3 {
        let activity = json!({"id": format!("{}#likes/{n}", mona.actor), "type": "Like", "actor": mona.actor, "object": group});
        statuses.push(
            mona.deliver(&format!("{group}/inbox"), &activity)
                .await
                .as_u16(),
        );
    }
    assert_eq!(statuses, [202, 202, 429]);
    assert_eq!(alpha.count("incoming_activities").await, 2);
    alpha.settle().await;
}
