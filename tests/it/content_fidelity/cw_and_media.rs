//! Content warnings and media: a toot with a CW and an image arrives with
//! both, shows the warning first with the text and image (and its alt
//! text) behind it, and is passed on intact; our own posts carry a CW as
//! Mastodon expects it.

use super::{follow, mention, page, readdressed, toot};
use crate::{
    client::titled,
    common::{MemberPair, settle},
    mastodon::FakeMastodon,
};
use guildhall::{
    api::posts::{NewPost, PostChanges},
    domain::media::{MediaAttachment, MediaKind},
};
use serde_json::{Value, json};

const WARNING: &str = "Security incident details";

/// Mastodon's captured image attachment (`mastodon/objects/note_2.json`),
/// with its alt text, blurhash and size.
fn captured_image() -> Value {
    readdressed("mastodon/objects/note_2.json", &[])["attachment"][0].clone()
}

/// A toot by `author` mentioning `group`, with a CW and the captured
/// image. No fixture carries a CW (their `summary` is null): `summary`
/// and `sensitive` are set as Mastodon sets them.
fn warned_toot(author: &str, group: &str) -> Value {
    let content = format!(
        "<p>{} Incident write-up</p><p>The attacker used a stolen token.</p>",
        mention(group)
    );
    let mut toot = toot(author, group, 7, &content);
    toot["object"]["summary"] = json!(WARNING);
    toot["object"]["sensitive"] = json!(true);
    toot["object"]["attachment"] = json!([captured_image()]);
    toot
}

#[tokio::test]
async fn a_toot_with_a_warning_and_an_image_shows_the_warning_first_and_is_passed_on_intact() {
    let pair = MemberPair::start().await;
    let alpha = &pair.alpha;
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{group}/inbox");
    let mona = FakeMastodon::start().await;
    let reader = FakeMastodon::start().await;
    for peer in [&mona, &reader] {
        let follow = follow(&peer.actor, &group, &format!("{}#follows/1", peer.actor));
        assert_eq!(peer.deliver(&inbox, &follow).await, 202);
    }
    pair.settle().await;
    let toot = warned_toot(&mona.actor, &group);
    assert_eq!(mona.deliver(&inbox, &toot).await, 202);
    pair.settle().await;

    // The API shows the warning, the flag and the image with its alt text.
    let note_id = toot["object"]["id"].as_str().unwrap();
    let posts = alpha.anonymous().posts("secguild").await.unwrap().items;
    let post = posts.iter().find(|p| p.ap_id == note_id).expect("stored");
    assert_eq!(post.content_warning.as_deref(), Some(WARNING));
    assert!(post.sensitive);
    assert_eq!(
        post.title.as_deref(),
        Some(WARNING),
        "the warning titles it"
    );
    let image = captured_image();
    let expected = MediaAttachment {
        kind: MediaKind::Document,
        url: image["url"].as_str().unwrap().into(),
        media_type: Some("image/jpeg".into()),
        alt_text: image["name"].as_str().map(Into::into),
        blurhash: image["blurhash"].as_str().map(Into::into),
        width: Some(1500),
        height: Some(1095),
    };
    assert_eq!(post.attachments, vec![expected.clone()]);

    // The post page: the warning first, the text and the image behind it.
    let html = page(alpha, &format!("/p/{}", post.id)).await;
    let warning = html
        .find(&format!("<details><summary>{WARNING}</summary>"))
        .expect("the warning opens a <details>");
    let text = html.find("stolen token").expect("the text");
    let img = html
        .find(&format!(
            r#"<img src="{}" alt="The KDE dragons"#,
            expected.url
        ))
        .expect("the image with its alt text");
    let end = html[warning..].find("</details>").unwrap() + warning;
    assert!(
        warning < text && text < end && warning < img && img < end,
        "{html}"
    );

    // A Mastodon follower gets the boost; the post it fetches from its
    // origin carries both.
    let boost = reader
        .received("Announce")
        .into_iter()
        .find(|a| a.body["object"] == note_id)
        .expect("the boost");
    assert_eq!(boost.verified, Ok(()));
    let (status, fetched) = reader.fetch(note_id, true).await;
    assert_eq!(status, 200);
    assert_eq!(fetched["summary"], WARNING);
    assert_eq!(fetched["sensitive"], true);
    assert_eq!(fetched["attachment"], json!([captured_image()]));

    // A member on group-aware software (bob on beta) gets the announce of
    // the toot: beta shows the same warning and image.
    let on_beta = pair
        .beta
        .api(&pair.bob)
        .posts(&pair.handle)
        .await
        .unwrap()
        .items;
    let copy = on_beta
        .iter()
        .find(|p| p.ap_id == note_id)
        .expect("on beta");
    assert_eq!(copy.content_warning.as_deref(), Some(WARNING));
    assert!(copy.sensitive);
    assert_eq!(copy.attachments, vec![expected]);
    pair.settle().await;
}

#[tokio::test]
async fn our_content_warnings_go_out_as_mastodon_expects_and_can_be_changed() {
    let pair = MemberPair::start().await;
    let (alpha, beta) = (&pair.alpha, &pair.beta);
    let alice = alpha.api(&pair.alice);
    let group = format!("{}/c/secguild", alpha.base);
    let reader = FakeMastodon::start().await;
    let follow = follow(
        &reader.actor,
        &group,
        &format!("{}#follows/1", reader.actor),
    );
    assert_eq!(
        reader.deliver(&format!("{group}/inbox"), &follow).await,
        202
    );
    pair.settle().await;

    let warning = "Spoilers <book 6>";
    let untitled = NewPost {
        content: "Snape kills **Dumbledore**.".into(),
        content_warning: Some(warning.into()),
        ..NewPost::default()
    };
    let note = alice.create_post("secguild", &untitled).await.unwrap();
    assert_eq!(note.content_warning.as_deref(), Some(warning));
    assert!(note.sensitive);
    let page_post = NewPost {
        content_warning: Some(warning.into()),
        ..titled("Book club", "Snape kills **Dumbledore**.")
    };
    let titled_post = alice.create_post("secguild", &page_post).await.unwrap();
    pair.settle().await;

    // A `Note`: the warning as its summary, as text; a `Page`: the warning
    // instead of the excerpt, escaped (Mastodon puts it into HTML).
    let (_, object) = reader.fetch(&note.ap_id, true).await;
    assert_eq!(object["type"], "Note");
    assert_eq!(object["summary"], warning);
    assert_eq!(object["sensitive"], true);
    let (_, object) = reader.fetch(&titled_post.ap_id, true).await;
    assert_eq!(object["type"], "Page");
    assert_eq!(object["name"], "Book club");
    assert_eq!(object["summary"], "Spoilers &lt;book 6&gt;");
    assert_eq!(object["sensitive"], true);
    assert_eq!(reader.received("Announce").len(), 2, "both are boosted");

    // Another Guildhall reads both warnings back as they were written.
    let on_beta = beta.api(&pair.bob).posts(&pair.handle).await.unwrap().items;
    for post in [&note, &titled_post] {
        let copy = on_beta.iter().find(|p| p.ap_id == post.ap_id).unwrap();
        assert_eq!(
            copy.content_warning.as_deref(),
            Some(warning),
            "{}",
            post.ap_id
        );
        assert!(copy.sensitive);
    }
    // The local page heads the untitled post with its warning, not its text.
    let html = page(alpha, &format!("/p/{}", note.id)).await;
    assert!(html.contains("<h1>Spoilers &lt;book 6&gt;</h1>"), "{html}");
    assert!(!html.contains("<h1>Snape"));

    // The warning is taken away from one and changed on the other.
    let lifted = PostChanges {
        content_warning: Some(None),
        ..PostChanges::default()
    };
    let edited = alice.edit_post(note.id, &lifted).await.unwrap();
    assert_eq!((edited.content_warning, edited.sensitive), (None, false));
    assert!(edited.updated.is_some(), "an edit is dated");
    let changed = PostChanges {
        content_warning: Some(Some("Book 6".into())),
        ..PostChanges::default()
    };
    alice.edit_post(titled_post.id, &changed).await.unwrap();
    settle(&[alpha, beta]).await;
    let on_beta = beta.api(&pair.bob).posts(&pair.handle).await.unwrap().items;
    let warning_of = |ap_id: &str| {
        let post = on_beta.iter().find(|p| p.ap_id == ap_id).unwrap();
        (post.content_warning.clone(), post.sensitive)
    };
    assert_eq!(warning_of(&note.ap_id), (None, false));
    assert_eq!(
        warning_of(&titled_post.ap_id),
        (Some("Book 6".into()), true)
    );

    // An empty or overlong warning is refused, naming the field.
    for bad in ["  ".to_string(), "x".repeat(501)] {
        let post = NewPost {
            content: "text".into(),
            content_warning: Some(bad),
            ..NewPost::default()
        };
        let Err(refusal) = alice.create_post("secguild", &post).await else {
            panic!("an empty or overlong warning is taken");
        };
        assert_eq!(
            (refusal.status, refusal.error.as_str()),
            (422, "unprocessable")
        );
        assert!(
            refusal.message.starts_with("content_warning"),
            "{}",
            refusal.message
        );
    }
    pair.settle().await;
}
