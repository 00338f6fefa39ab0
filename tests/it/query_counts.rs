//! How many queries a page makes, whatever the number of items on it.
//! A diesel instrumentation on every connection counts the queries made
//! on this test's database by the server's threads (the test's own thread
//! runs its setup and the background workers, which are not counted).

use crate::{
    client::{titled, untitled},
    common::TestApp,
};
use chrono::{Duration, Utc};
use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};
use guildhall::{
    domain::{charter::Charter, event::RsvpStatus, proposal::VoteOption},
    services::{
        self,
        event::{draft::EventInput, rsvp, store},
        kudos::KudosRequest,
        proposal,
    },
};
use reqwest::header::COOKIE;
use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    thread::{self, ThreadId},
};

/// The databases whose queries are counted, each with the thread left out.
type Watched = Vec<(String, ThreadId, Arc<AtomicUsize>)>;
static WATCHED: Mutex<Watched> = Mutex::new(Vec::new());

/// One connection's instrumentation: it remembers its database.
struct Counter {
    url: String,
}

impl Instrumentation for Counter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => {
                self.url = url.to_string();
            }
            InstrumentationEvent::StartQuery { .. } => {
                let here = thread::current().id();
                for (url, left_out, count) in WATCHED.lock().unwrap().iter() {
                    if *url == self.url && *left_out != here {
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Counts the server's queries on `app`'s database from now on.
fn watch(app: &TestApp) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    WATCHED
        .lock()
        .unwrap()
        .push((app.db.url.clone(), thread::current().id(), count.clone()));
    count
}

/// The queries the server made to answer `GET path`.
async fn queries(app: &TestApp, count: &AtomicUsize, path: &str, session: Option<&str>) -> usize {
    let mut request = app.client.get(app.url(path));
    if let Some(session) = session {
        request = request.header(COOKIE, format!("guildhall_session={session}"));
    }
    let before = count.load(Ordering::SeqCst);
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.unwrap();
    count.load(Ordering::SeqCst) - before
}

#[tokio::test]
async fn the_community_page_and_a_thread_take_as_many_queries_for_four_items_as_for_one() {
    set_default_instrumentation(|| Some(Box::new(Counter { url: String::new() }))).unwrap();
    let app = TestApp::spawn().await;
    let count = watch(&app);
    let alice_token = app.user("alice", false).await;
    let bob_token = app.user("bob", false).await;
    app.community(&alice_token, "secguild").await;
    app.api(&bob_token).follow("secguild").await.unwrap();
    let alice_api = app.api(&alice_token);
    let bob_api = app.api(&bob_token);
    let state = app.state().await;
    let alice = app.person_row("alice").await;
    let bob = app.person_row("bob").await;
    let guild = app.community_row("secguild").await;
    let thread = alice_api
        .create_post("secguild", &titled("Kick-off", "Welcome"))
        .await
        .unwrap();
    let mut made = 0;
    let mut counts = Vec::new();
    for total in [1, 4] {
        for n in made..total {
            let post = alice_api
                .create_post("secguild", &untitled(&format!("Notes {n}")))
                .await
                .unwrap();
            bob_api.reply(post.id, "Thanks!").await.unwrap();
            bob_api
                .reply(thread.id, &format!("Reply {n}"))
                .await
                .unwrap();
            let start = (Utc::now() + Duration::weeks(n + 1)).naive_utc();
            let input = EventInput {
                title: format!("Clinic {n}"),
                start,
                end: start + Duration::hours(1),
                timezone: "Europe/Berlin".into(),
                ..EventInput::default()
            };
            let event = store::create(&state, &alice, &guild, input).await.unwrap();
            rsvp::answer(&state, &bob, event.row.id, RsvpStatus::Going)
                .await
                .unwrap();
            let request = KudosRequest {
                message: format!("running clinic {n}"),
                category: None,
                thanks_for: None,
            };
            services::kudos::give(&state, &bob, &guild, &alice, &request)
                .await
                .unwrap();
            // An open proposal (three at most per proposer), which bob
            // voted on.
            let proposer = if n % 2 == 0 { &alice } else { &bob };
            let charter = Charter {
                purpose: format!("Purpose number {n}"),
                ..Charter::default()
            };
            let proposed = proposal::propose(&state, proposer, "secguild", charter, "Clearer.")
                .await
                .unwrap();
            proposal::vote::vote(&state, &bob, &guild, proposed.row.id, VoteOption::Accept)
                .await
                .unwrap();
        }
        made = total;
        app.settle().await;
        // Warm the top contributors, kept a minute per process.
        queries(&app, &count, "/c/secguild", None).await;
        let community = queries(&app, &count, "/c/secguild", None).await;
        let member = queries(&app, &count, "/c/secguild", Some(&bob_token)).await;
        let replies = queries(&app, &count, &format!("/p/{}", thread.id), None).await;
        eprintln!(
            "{total} of each: community page {community} queries, as a member {member}, \
             thread with {total} replies {replies}"
        );
        counts.push((community, member, replies));
    }
    assert_eq!(counts[0], counts[1], "queries with one item, then four");
}
