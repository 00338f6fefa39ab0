//! Remote people, communities and events on our pages: each names its home
//! instance linked to its own server (http and https only); remote people
//! and communities have a page here built from our database alone.

use crate::{
    common::TestApp,
    events::mastodon_follower,
    mastodon_peer::mention_toot,
    person_pages::{member_of, page, remote_community},
};
use chrono::{Duration, Utc};
use guildhall::{
    db::{self, event::EventFields, person::PersonRow},
    domain::event::{EventStatus, JoinMode},
    services::{event::remote::receive_event, kudos},
};

/// A remote person cached as if fetched from `host`, with actor id `ap_id`.
async fn remote_person(app: &TestApp, name: &str, host: &str, ap_id: &str) -> PersonRow {
    let state = app.state().await;
    let mut conn = state.pool.get().await.unwrap();
    db::person::upsert_remote(
        &mut conn,
        &db::person::RemotePerson {
            ap_id,
            username: Some(name),
            domain: host,
            local: false,
            display_name: Some("Rita <R>"),
            inbox: &format!("https://{host}/inbox"),
            shared_inbox: None,
            public_key: "unused",
            key_id: None,
            refreshed_at: Utc::now(),
        },
    )
    .await
    .unwrap()
}

/// `path` names someone or something we do not hold: 404, never looked up
/// on its server.
async fn unknown_here(app: &TestApp, path: &str) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 404, "GET {path}");
}

#[tokio::test]
async fn a_mastodon_author_and_recipient_link_to_their_page_here_and_their_home_instance() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    let mona = mastodon_follower(&alpha).await;
    let group = format!("{}/c/secguild", alpha.base);
    assert_eq!(
        mona.deliver(
            &format!("{group}/inbox"),
            &mention_toot(&mona, &group, 7, true)
        )
        .await,
        202
    );
    alpha.settle().await;
    let state = alpha.state().await;
    let mut conn = state.pool.get().await.unwrap();
    let mona_row = db::person::find_by_ap_id(&mut conn, &mona.actor)
        .await
        .unwrap()
        .expect("mona is known");
    drop(conn);
    let alice_row = alpha.person_row("alice").await;
    let secguild = alpha.community_row("secguild").await;
    let request = kudos::KudosRequest {
        message: "a recap worth reading".into(),
        category: None,
        thanks_for: None,
    };
    kudos::give(&state, &alice_row, &secguild, &mona_row, &request)
        .await
        .unwrap();
    alpha.settle().await; // the kudos reaches mona's server too
    let posts = alpha.anonymous().posts("secguild").await.unwrap();
    let toot = posts
        .items
        .iter()
        .find(|p| p.content.contains("Patch Tuesday recap 7"))
        .expect("the toot is a post");
    let people = alpha.count("people").await;

    let link = "<a href=\"/u/mona@mastodon.test\">";
    let home = format!(
        "<span class=\"handle\">from <a href=\"{}\" rel=\"nofollow noopener\">mastodon.test</a></span>",
        mona.actor
    );
    let community = page(&alpha, "/c/secguild", None).await;
    let wall = &community[community.find("id=\"kudos\"").unwrap()..];
    assert!(wall.contains(link) && wall.contains(&home), "{wall}");
    let posts = &community[community.find("id=\"posts\"").unwrap()..];
    assert!(posts.contains(link) && posts.contains(&home), "{posts}");
    let thread = page(&alpha, &format!("/p/{}", toot.id), None).await;
    assert!(thread.contains(link) && thread.contains(&home), "{thread}");

    let person = page(&alpha, "/u/mona@mastodon.test", None).await;
    assert!(person.contains("@mona@mastodon.test · "), "{person}");
    assert!(person.contains(&home), "{person}");
    assert!(
        person
            .contains("<a href=\"/c/secguild\">secguild</a> <span class=\"meta\">· member</span>"),
        "{person}"
    );
    assert!(person.contains("a recap worth reading"), "{person}");
    unknown_here(&alpha, "/u/nobody@mastodon.test").await;
    assert_eq!(alpha.count("people").await, people, "nothing fetched");
}

#[tokio::test]
async fn an_event_of_a_remote_community_names_its_home_and_links_only_to_http() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    let faraway = remote_community(&app, "faraway", "remote.example").await;
    member_of(&app, "alice", &faraway).await;
    let rita = remote_person(
        &app,
        "rita",
        "remote.example",
        "https://remote.example/u/rita",
    )
    .await;
    let sly = remote_person(&app, "sly", "sly.example", "javascript:alert(1)").await;
    let start = Utc::now() + Duration::days(3);
    let fields = |title: &str, online: &str| EventFields {
        title: title.into(),
        description: "<p>Bring a design.</p>".into(),
        source: None,
        starts_local: start.naive_utc(),
        ends_local: (start + Duration::hours(1)).naive_utc(),
        timezone: "UTC".into(),
        starts_at: start,
        ends_at: start + Duration::hours(1),
        place: None,
        online_url: Some(online.into()),
        capacity: None,
        join_mode: JoinMode::Free,
        status: EventStatus::Confirmed,
        practice: None,
        rrule: None,
        remote_going: Some(4),
    };
    let state = app.state().await;
    let ap_id = "https://remote.example/events/1";
    receive_event(
        &state,
        &faraway,
        &rita,
        ap_id,
        fields("Clinic", "https://meet.example/x"),
    )
    .await
    .unwrap();
    let sly_event = "https://remote.example/events/2";
    receive_event(
        &state,
        &faraway,
        &sly,
        sly_event,
        fields("Trap", "javascript:alert(2)"),
    )
    .await
    .unwrap();
    let mut conn = state.pool.get().await.unwrap();
    let clinic = db::event::find_by_ap_id(&mut conn, ap_id)
        .await
        .unwrap()
        .unwrap();
    let trap = db::event::find_by_ap_id(&mut conn, sly_event)
        .await
        .unwrap()
        .unwrap();
    drop(conn);

    let html = page(&app, &format!("/events/{}", clinic.id), Some(&alice)).await;
    let faraway_home = "<a href=\"/c/faraway@remote.example\">faraway &lt;far away&gt;</a> \
        <span class=\"handle\">from \
        <a href=\"https://remote.example/c/faraway\" rel=\"nofollow noopener\">remote.example</a></span>";
    assert!(html.contains(&format!("← {faraway_home}")), "{html}");
    assert!(
        html.contains("<a href=\"/u/rita@remote.example\">Rita &lt;R&gt;</a>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<dt>Home</dt><dd><a href=\"https://remote.example/events/1\" rel=\"nofollow noopener\">remote.example</a></dd>"
        ),
        "{html}"
    );
    assert!(html.contains("href=\"https://meet.example/x\""), "{html}");

    let html = page(&app, &format!("/events/{}", trap.id), None).await;
    assert!(!html.contains("javascript:"), "{html}");
    assert!(
        html.contains("<a href=\"/u/sly@sly.example\">Rita &lt;R&gt;</a> <span class=\"handle\">from sly.example</span>"),
        "{html}"
    );
    let community = page(&app, "/c/faraway@remote.example", Some(&alice)).await;
    assert!(
        community.contains("<h1>faraway &lt;far away&gt;</h1>"),
        "{community}"
    );
    assert!(
        community.contains(
            "<p class=\"handle\"><span class=\"handle\">from <a href=\"https://remote.example/c/faraway\" rel=\"nofollow noopener\">remote.example</a></span></p>"
        ),
        "{community}"
    );
    assert!(community.contains("1</span> member here"), "{community}");
    assert!(
        community.contains("action=\"/c/faraway@remote.example/follow\"")
            && community.contains("You are a member."),
        "{community}"
    );
    assert!(
        community.contains(&format!("href=\"/events/{}\"", clinic.id)),
        "its events: {community}"
    );
    for ours_only in [
        "/posts/new",
        "/charter",
        "/feed.atom",
        "/events.ics",
        "/moderation",
    ] {
        assert!(!community.contains(ours_only), "{ours_only}: {community}");
    }
    unknown_here(&app, "/c/nobody@remote.example").await;

    let person = page(&app, "/u/rita@remote.example", None).await;
    assert!(person.contains("<h1>Rita &lt;R&gt;</h1>"), "{person}");
    assert!(
        person.contains("from <a href=\"https://remote.example/u/rita\" rel=\"nofollow noopener\">remote.example</a>"),
        "{person}"
    );
    assert!(
        person.contains("Communities</h2><p>None yet.</p>"),
        "{person}"
    );
}
