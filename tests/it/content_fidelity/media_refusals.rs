//! Media references we do not take are refused at the inbox, with a 422
//! and the reason, before anything is stored: URLs that are not `https`
//! (`http` is taken in dev mode only), `javascript:`, URLs over 2,048
//! bytes, and more than 16 attachments.

use super::{follow, mention, toot, unsigned};
use crate::{common::TestApp, mastodon::FakeMastodon};
use serde_json::{Value, json};

/// A toot carrying `attachments` (Mastodon's shape, from its captured
/// image attachment, with other URLs).
fn with_media(actor: &str, group: &str, urls: &[String]) -> Value {
    let image = super::readdressed("mastodon/objects/note_2.json", &[])["attachment"][0].clone();
    let attachments: Vec<Value> = urls
        .iter()
        .map(|url| {
            let mut media = image.clone();
            media["url"] = json!(url);
            media
        })
        .collect();
    let content = format!("<p>{} Screenshots</p>", mention(group));
    let mut toot = toot(actor, group, 1, &content);
    toot["object"]["attachment"] = json!(attachments);
    toot
}

#[tokio::test]
async fn media_that_is_not_https_or_too_much_is_refused_before_storing() {
    // Not in dev mode: only https.
    let alpha = TestApp::spawn().await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let group = format!("{}/c/secguild", alpha.base);
    let actor = "https://masto.example/users/mona";
    let ok = "https://cdn.example/a.png".to_string();
    let cases = [
        (
            vec!["http://cdn.example/a.png".into()],
            "attachment[0].url: must be an https URL",
        ),
        (
            vec![ok.clone(), "javascript:alert(1)".into()],
            "attachment[1].url: must be an https URL",
        ),
        (
            vec![format!("https://cdn.example/{}", "a".repeat(3000))],
            "`url` is longer than 2048 bytes",
        ),
        (
            vec![ok.clone(); 17],
            "17 attachments; a post may carry at most 16",
        ),
    ];
    for (urls, reason) in cases {
        let (status, message) = unsigned(&alpha, &with_media(actor, &group, &urls)).await;
        assert_eq!(status, 422, "{reason}");
        assert!(message.contains(reason), "{message}");
    }
    assert_eq!(
        alpha.count("incoming_activities").await,
        0,
        "nothing stored"
    );
    alpha.settle().await;
}

#[tokio::test]
async fn in_dev_mode_http_media_is_taken_but_javascript_is_not() {
    let (alpha, _, group) = super::alpha_with_secguild().await;
    let inbox = format!("{group}/inbox");
    let mona = FakeMastodon::start().await;
    let follow = follow(&mona.actor, &group, &format!("{}#follows/1", mona.actor));
    assert_eq!(mona.deliver(&inbox, &follow).await, 202);
    let script = with_media(&mona.actor, &group, &["javascript:alert(1)".into()]);
    assert_eq!(mona.deliver(&inbox, &script).await, 422);
    let plain = "http://cdn.test/a.png".to_string();
    let mut toot = with_media(&mona.actor, &group, std::slice::from_ref(&plain));
    toot["id"] = json!(format!("{}/statuses/2/activity", mona.actor));
    toot["object"]["id"] = json!(format!("{}/statuses/2", mona.actor));
    assert_eq!(mona.deliver(&inbox, &toot).await, 202);
    alpha.settle().await;
    let posts = alpha.anonymous().posts("secguild").await.unwrap().items;
    let [post] = posts.as_slice() else {
        panic!("one post, got {}", posts.len());
    };
    assert_eq!(post.attachments[0].url, plain);
}
