//! What a Mastodon, bovine, Pleroma or Mobilizon member writes arrives as
//! they wrote it: content warnings and media, titles, `Undo` by reference,
//! actors without a user name, account deletion, and the types we refuse.
//! Each test replays the real JSON of `../shared/fixtures/`, re-addressed to
//! our test hosts and signed as the sender signs.

mod account_deletion;
mod actors;
mod cw_and_media;
mod media_refusals;
mod refused_types;
mod titles;
mod undo_by_reference;

use crate::common::TestApp;
use serde_json::{Value, json};

pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The fixture `file` with each `(from, to)` text replaced: how a captured
/// payload is re-addressed to our test hosts.
pub fn readdressed(file: &str, pairs: &[(&str, &str)]) -> Value {
    let mut text = crate::fixtures::load::<Value>(file)
        .expect("the fixture")
        .to_string();
    for (from, to) in pairs {
        text = text.replace(from, to);
    }
    serde_json::from_str(&text).unwrap()
}

/// The captured activity in `file`, sent by `actor` as `id` about `object`.
pub fn sent(file: &str, actor: &str, id: &str, object: Value) -> Value {
    let mut activity = readdressed(file, &[]);
    activity["id"] = json!(id);
    activity["actor"] = json!(actor);
    activity["object"] = object;
    activity
}

/// The captured Mastodon `Follow` of `group` by `actor`, with id `id`.
pub fn follow(actor: &str, group: &str, id: &str) -> Value {
    sent("mastodon/activities/follow.json", actor, id, json!(group))
}

/// Alpha (dev mode) where alice owns the community `secguild`: the app,
/// alice's token and the community's actor id.
pub async fn alpha_with_secguild() -> (TestApp, String, String) {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let group = format!("{}/c/secguild", alpha.base);
    (alpha, alice, group)
}

/// How many members `secguild` has on `app`.
pub async fn members(app: &TestApp) -> i64 {
    let community = app.anonymous().community("secguild").await.unwrap();
    community.followers
}

/// The captured Mastodon `Create{Note}`, re-addressed: status `n` of
/// `actor`, public, addressed to and mentioning `group` (as the toot
/// `@secguild …` is), with `content` as its HTML.
pub fn toot(actor: &str, group: &str, n: u32, content: &str) -> Value {
    let mut create = readdressed("mastodon/activities/create_note.json", &[]);
    let id = format!("{actor}/statuses/{n}");
    let cc = json!([format!("{actor}/followers"), group]);
    create["id"] = json!(format!("{id}/activity"));
    create["actor"] = json!(actor);
    create["to"] = json!([PUBLIC]);
    create["cc"] = cc.clone();
    let note = &mut create["object"];
    note["id"] = json!(id);
    note["url"] = json!(id);
    note["attributedTo"] = json!(actor);
    note["inReplyTo"] = Value::Null;
    note["to"] = json!([PUBLIC]);
    note["cc"] = cc;
    note["content"] = json!(content);
    note["contentMap"] = json!({});
    note["tag"] = json!([{"type": "Mention", "href": group, "name": "@secguild@alpha.test"}]);
    create
}

/// Mastodon's HTML for a mention of the community `group`.
pub fn mention(group: &str) -> String {
    format!(
        "<span class=\"h-card\" translate=\"no\"><a href=\"{group}\" class=\"u-url mention\">@<span>secguild</span></a></span>"
    )
}

/// The HTML page at `path`.
pub async fn page(app: &TestApp, path: &str) -> String {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

/// POSTs `activity` unsigned to the shared inbox: a refusal that comes
/// before the signature check reads the same without one. Returns the
/// status and the message.
pub async fn unsigned(app: &TestApp, activity: &Value) -> (u16, String) {
    let res = app
        .client
        .post(app.url("/inbox"))
        .header("content-type", "application/activity+json")
        .body(activity.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let answer: Value = res.json().await.unwrap_or_default();
    (
        status,
        answer["message"].as_str().unwrap_or_default().to_string(),
    )
}
