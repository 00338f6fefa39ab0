//! Titles of toots: the first line without the mentions it starts with
//! (or the first words); an edit of the text changes a derived title, and
//! `updated` is the time the author edited, from the object.

use super::{follow, mention, toot};
use crate::mastodon::FakeMastodon;
use serde_json::json;

#[tokio::test]
async fn a_mention_toot_is_titled_by_its_words_and_an_edit_of_its_first_line_changes_the_title() {
    let (alpha, _, group) = super::alpha_with_secguild().await;
    let inbox = format!("{group}/inbox");
    let mona = FakeMastodon::start().await;
    let follow = follow(&mona.actor, &group, &format!("{}#follows/1", mona.actor));
    assert_eq!(mona.deliver(&inbox, &follow).await, 202);

    let at = mention(&group);
    let first = toot(
        &mona.actor,
        &group,
        1,
        &format!("<p>{at} PeerTube v3.1 is out!</p><p>Changelog inside.</p>"),
    );
    // The first line is nothing but mentions: the next line titles it.
    let bob = r#"<span class="h-card"><a href="https://bob.example/@bob" class="u-url mention">@<span>bob</span></a></span>"#;
    let mut second = toot(
        &mona.actor,
        &group,
        2,
        &format!("<p>{at} {bob}</p><p>Who patched the runners?</p>"),
    );
    second["object"]["tag"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "Mention", "href": "https://bob.example/users/bob", "name": "@bob@bob.example"}));
    for toot in [&first, &second] {
        assert_eq!(mona.deliver(&inbox, toot).await, 202);
    }
    alpha.settle().await;
    let title_of = |posts: &[guildhall::api::posts::PostResponse], toot: &serde_json::Value| {
        let id = toot["object"]["id"].as_str().unwrap();
        let post = posts.iter().find(|p| p.ap_id == id).expect("stored");
        (post.id, post.title.clone(), post.updated)
    };
    let posts = alpha.anonymous().posts("secguild").await.unwrap().items;
    let (id, title, updated) = title_of(&posts, &first);
    assert_eq!(title.as_deref(), Some("PeerTube v3.1 is out!"));
    assert_eq!(updated, None, "never edited");
    let (_, title, _) = title_of(&posts, &second);
    assert_eq!(title.as_deref(), Some("Who patched the runners?"));

    // Mona edits the first line. No fixture has Mastodon's `Update{Note}`:
    // it is the captured `Create` as Mastodon turns it into an edit.
    let mut edit = first.clone();
    edit["type"] = json!("Update");
    edit["id"] = json!(format!("{}/statuses/1#updates/1", mona.actor));
    edit["object"]["content"] = json!(format!(
        "<p>{at} PeerTube v3.2 is out!</p><p>Changelog inside.</p>"
    ));
    edit["object"]["updated"] = json!("2026-03-01T10:00:00Z");
    assert_eq!(mona.deliver(&inbox, &edit).await, 202);
    alpha.settle().await;
    let post = alpha.anonymous().post(id).await.unwrap();
    assert_eq!(post.title.as_deref(), Some("PeerTube v3.2 is out!"));
    assert_eq!(
        post.updated.map(|u| u.to_rfc3339()),
        Some("2026-03-01T10:00:00+00:00".to_string()),
        "the object's `updated`, not when it arrived"
    );
}
