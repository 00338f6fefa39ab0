//! A community's Atom feed, read back by Python's `feedparser`: its posts
//! (a milestone among them) and upcoming events, linked from the page head;
//! a script in a post does not survive; pages carry OpenGraph tags and a
//! Content-Security-Policy without script.

use crate::{
    client::titled,
    common::{TestApp, read_with_python},
};
use guildhall::services::event::draft::EventInput;
use reqwest::Method;

#[tokio::test]
async fn the_atom_feed_carries_posts_milestones_and_events_and_parses() {
    let app = TestApp::spawn_named("alpha").await;
    let alice = app.user("alice", false).await;
    app.celebrating_community(&alice, "secguild").await;
    let alice = app.api(&alice);
    alice.follow("secguild").await.unwrap();
    let post = alice
        .create_post(
            "secguild",
            &titled(
                "Fuzzing notes",
                "We found <script>alert(1)</script> in a form.",
            ),
        )
        .await
        .unwrap();
    let start = chrono::Utc::now()
        .naive_utc()
        .date()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        + chrono::Duration::days(7);
    let event: guildhall::api::events::EventResponse = alice
        .call(
            Method::POST,
            "/api/v1/communities/secguild/events",
            Some(&EventInput {
                title: "Threat modelling clinic".into(),
                description: "Bring a design.".into(),
                start,
                end: start + chrono::Duration::hours(1),
                timezone: "Europe/Berlin".into(),
                ..EventInput::default()
            }),
            201,
        )
        .await
        .unwrap();

    let res = app
        .send(Method::GET, "/c/secguild/feed.atom", None, None)
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let xml = res.text().await.unwrap();
    let feed = read_with_python("read_feed.py", &xml);
    assert_eq!(feed["bozo"], false, "{xml}");
    assert_eq!(feed["version"], "atom10");
    assert_eq!(feed["title"], "secguild");
    let entries = feed["entries"].as_array().unwrap();
    let titles: Vec<&str> = entries
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Fuzzing notes"), "{titles:?}");
    assert!(
        titles.contains(&"Welcome, alice"),
        "the milestone: {titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Event: Threat modelling clinic")),
        "{titles:?}"
    );
    let ours = entries
        .iter()
        .find(|e| e["title"] == "Fuzzing notes")
        .unwrap();
    assert_eq!(ours["id"], post.ap_id);
    assert_eq!(ours["link"], post.ap_id);
    assert_eq!(ours["author"], "alice");
    let content = ours["content"][0].as_str().unwrap();
    assert!(content.contains("We found"), "{content}");
    assert!(!content.contains("<script"), "sanitised: {content}");
    let clinic = entries.iter().find(|e| e["id"] == event.ap_id.as_str());
    assert!(clinic.is_some(), "the event is an entry of its own");

    // The page links it; an unknown community has none. Pages preview on
    // Mastodon (OpenGraph) and run no script (Content-Security-Policy).
    let res = app.send(Method::GET, "/c/secguild", None, None).await;
    let policy = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(policy.contains("script-src 'none'"), "{policy}");
    let page = res.text().await.unwrap();
    assert!(
        page.contains("<meta property=\"og:title\" content=\"secguild\">"),
        "{page}"
    );
    let thread = app
        .send(Method::GET, &format!("/p/{}", post.id), None, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        thread.contains("<meta property=\"og:type\" content=\"article\">"),
        "{thread}"
    );
    assert!(thread.contains("<meta property=\"og:title\" content=\"Fuzzing notes\">"));
    assert!(page.contains("type=\"application/atom+xml\""), "{page}");
    assert!(page.contains("href=\"/c/secguild/feed.atom\""));
    let missing = app
        .send(Method::GET, "/c/nosuch/feed.atom", None, None)
        .await;
    assert_eq!(missing.status(), 404);
    app.settle().await;
}
