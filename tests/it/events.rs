//! Events: created over the API, federated as `Event`s announced by the
//! community, answered by a Mobilizon-shaped `Join` (the captured fixture,
//! re-addressed and signed), by a Mastodon reply, and by local members;
//! calendar feeds read back by Python's `icalendar`; bad input refused.

use crate::{
    client::{Answer, Api},
    common::TestApp,
    fake_peer::FakePeer,
    mastodon::FakeMastodon,
};
use guildhall::{
    api::events::{EventResponse, RsvpInput},
    domain::event::{EventStatus, Place, RsvpStatus},
    services::event::draft::{EventChanges, EventInput},
};
use reqwest::Method;
use serde_json::{Value, json};

impl Api {
    async fn create_event(&self, handle: &str, input: &EventInput) -> Answer<EventResponse> {
        let path = format!("/api/v1/communities/{handle}/events");
        self.call(Method::POST, &path, Some(input), 201).await
    }

    async fn event(&self, id: i64) -> Answer<EventResponse> {
        let none: Option<&()> = None;
        self.call(Method::GET, &format!("/api/v1/events/{id}"), none, 200)
            .await
    }

    async fn cancel_event(&self, id: i64) -> Answer<EventResponse> {
        let none: Option<&()> = None;
        self.call(
            Method::POST,
            &format!("/api/v1/events/{id}/cancel"),
            none,
            200,
        )
        .await
    }

    async fn update_event(&self, id: i64, changes: &EventChanges) -> Answer<EventResponse> {
        self.call(
            Method::PATCH,
            &format!("/api/v1/events/{id}"),
            Some(changes),
            200,
        )
        .await
    }

    async fn rsvp(&self, id: i64, status: RsvpStatus) -> Answer<EventResponse> {
        let path = format!("/api/v1/events/{id}/rsvp");
        self.call(Method::POST, &path, Some(&RsvpInput { status }), 200)
            .await
    }
}

/// A clinic at `start` (local time in Berlin), 90 minutes.
fn clinic(start: &str) -> EventInput {
    let start = chrono::NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M").unwrap();
    EventInput {
        title: "Threat modelling clinic".into(),
        description: "Bring a **design**.".into(),
        start,
        end: start + chrono::Duration::minutes(90),
        timezone: "Europe/Berlin".into(),
        location: Some(Place {
            name: "Room 4".into(),
            ..Place::default()
        }),
        online_url: Some("https://video.example/clinic".into()),
        ..EventInput::default()
    }
}

/// The captured Mobilizon `Join`, re-addressed: `actor` joins `event`.
fn mobilizon_join(actor: &str, event: &str, n: u32) -> Value {
    let mut join = crate::fixtures::load::<Value>("mobilizon/fixture_mobilizon-join-activity.json")
        .expect("fixture");
    join["id"] = json!(format!("{actor}/join/event/{n}"));
    join["actor"] = json!(actor);
    join["object"] = json!(event);
    join.as_object_mut().unwrap().remove("signature");
    join
}

/// A community `secguild` on alpha owned by alice (token returned).
async fn alpha_with_guild() -> (TestApp, String) {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    (alpha, alice)
}

/// Mona on a Mastodon-shaped server follows `secguild` (the captured
/// Follow, re-addressed).
pub(crate) async fn mastodon_follower(alpha: &TestApp) -> FakeMastodon {
    let mona = FakeMastodon::start().await;
    let group = format!("{}/c/secguild", alpha.base);
    let mut follow =
        crate::fixtures::load::<Value>("mastodon/activities/follow.json").expect("fixture");
    follow["id"] = json!(format!("{}#follows/1", mona.actor));
    follow["actor"] = json!(mona.actor);
    follow["object"] = json!(group);
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &follow).await, 202);
    alpha.settle().await;
    mona
}

#[tokio::test]
async fn a_mobilizon_join_gets_an_accept_signed_by_the_community_or_a_reject_when_full() {
    let (alpha, alice) = alpha_with_guild().await;
    let bob = alpha.user("bob", false).await;
    alpha.api(&bob).follow("secguild").await.unwrap();
    let mona = FakeMastodon::start().await;
    let inbox = format!("{}/c/secguild/inbox", alpha.base);

    let open = alice.clone();
    let open = alpha
        .api(&open)
        .create_event("secguild", &clinic("2030-03-12T09:00"))
        .await
        .unwrap();
    let full = alpha
        .api(&alice)
        .create_event(
            "secguild",
            &EventInput {
                capacity: Some(1),
                ..clinic("2030-03-26T09:00")
            },
        )
        .await
        .unwrap();
    // Bob takes the only seat of the second event.
    let seated = alpha
        .api(&bob)
        .rsvp(full.id, RsvpStatus::Going)
        .await
        .unwrap();
    assert_eq!(seated.going, 1);

    let join_open = mobilizon_join(&mona.actor, &open.ap_id, 1);
    let join_full = mobilizon_join(&mona.actor, &full.ap_id, 2);
    assert_eq!(mona.deliver(&inbox, &join_open).await, 202);
    assert_eq!(mona.deliver(&inbox, &join_full).await, 202);
    alpha.settle().await;

    let group = format!("{}/c/secguild", alpha.base);
    let accepts = mona.received("Accept");
    assert_eq!(accepts.len(), 1, "{accepts:?}");
    assert_eq!(accepts[0].verified, Ok(()), "signed by the community's key");
    assert_eq!(accepts[0].body["actor"], group.as_str());
    assert_eq!(accepts[0].body["object"]["id"], join_open["id"]);
    assert_eq!(accepts[0].body["object"]["type"], "Join");
    let rejects = mona.received("Reject");
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0].body["object"]["id"], join_full["id"]);

    let anyone = alpha.anonymous();
    assert_eq!(anyone.event(open.id).await.unwrap().going, 1);
    assert_eq!(anyone.event(full.id).await.unwrap().going, 1);
    assert!(
        anyone.event(open.id).await.unwrap().attendees.is_none(),
        "names are for members"
    );
    let seen_by_member = alpha.api(&bob).event(open.id).await.unwrap();
    let attendees = seen_by_member.attendees.expect("members see who comes");
    assert_eq!(attendees.len(), 1);
    assert!(
        attendees[0].person.starts_with("mona@mastodon.test"),
        "{attendees:?}"
    );
    assert_eq!(attendees[0].status, RsvpStatus::Going);

    // Bob's own calendar, at a secret address he can replace.
    let feed: guildhall::api::events::CalendarFeed = alpha
        .api(&bob)
        .call(Method::POST, "/api/v1/calendar", None::<&()>, 201)
        .await
        .unwrap();
    let fetch = |url: String| {
        let client = alpha.client.clone();
        let url = url.replace(&alpha.base, &alpha.url(""));
        async move { client.get(url).send().await.unwrap() }
    };
    let mine = fetch(feed.url.clone()).await.text().await.unwrap();
    let mine = read_ics(&mine);
    assert_eq!(mine["events"].as_array().unwrap().len(), 1);
    assert_eq!(mine["events"][0]["uid"], full.ap_id.as_str());
    let renewed: guildhall::api::events::CalendarFeed = alpha
        .api(&bob)
        .call(Method::POST, "/api/v1/calendar", None::<&()>, 201)
        .await
        .unwrap();
    assert_eq!(
        fetch(feed.url).await.status(),
        404,
        "the old address stops working"
    );
    assert_eq!(fetch(renewed.url).await.status(), 200);

    // Leave (same fixture shape) takes the answer back.
    let mut leave = join_open.clone();
    leave["type"] = json!("Leave");
    leave["id"] = json!(format!("{}/leave/event/1", mona.actor));
    assert_eq!(mona.deliver(&inbox, &leave).await, 202);
    alpha.settle().await;
    assert_eq!(anyone.event(open.id).await.unwrap().going, 0);
}

#[tokio::test]
async fn a_mastodon_follower_gets_the_event_with_local_time_and_place_and_answers_by_reply() {
    let (alpha, alice) = alpha_with_guild().await;
    let mona = mastodon_follower(&alpha).await;
    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{group}/inbox");

    // November in Berlin is UTC+1; the event says so to Mastodon.
    let event = alpha
        .api(&alice)
        .create_event("secguild", &clinic("2030-11-12T09:00"))
        .await
        .unwrap();
    alpha.settle().await;
    let boosts = mona.received("Announce");
    let boost = boosts
        .iter()
        .find(|a| a.body["object"] == event.ap_id.as_str())
        .expect("the event is boosted to Mastodon");
    assert_eq!(boost.verified, Ok(()));
    let (status, object) = mona.fetch(&event.ap_id, true).await;
    assert_eq!(status, 200);
    assert_eq!(object["type"], "Event");
    assert_eq!(object["name"], "Threat modelling clinic");
    assert_eq!(object["startTime"], "2030-11-12T09:00:00+01:00");
    assert_eq!(object["timezone"], "Europe/Berlin");
    let summary = object["summary"].as_str().unwrap();
    assert!(
        summary.contains("Tue 12 Nov 2030, 09:00–10:30 (Europe/Berlin, UTC+01:00)"),
        "{summary}"
    );
    assert!(summary.contains("Room 4"), "{summary}");
    assert_eq!(object["location"][0]["name"], "Room 4");

    // Mastodon cannot Join: mona replies "going" (no fixture has a reply to
    // an Event; this is the captured Create{Note} re-addressed as one).
    let mut reply = crate::mastodon_peer::mention_toot(&mona, &group, 40, true);
    reply["object"]["inReplyTo"] = json!(event.ap_id);
    reply["object"]["content"] = json!(format!(
        "<p><span class=\"h-card\"><a href=\"{group}\" class=\"u-url mention\">@<span>secguild</span></a></span> Going!</p>"
    ));
    assert_eq!(mona.deliver(&inbox, &reply).await, 202);
    alpha.settle().await;
    assert_eq!(alpha.anonymous().event(event.id).await.unwrap().going, 1);
    let told = mona.received("Create");
    let told = told
        .iter()
        .find(|c| c.body["object"]["inReplyTo"] == reply["object"]["id"])
        .expect("mona is told her answer counted");
    assert_eq!(told.verified, Ok(()));
    assert!(
        told.body["object"]["content"]
            .as_str()
            .unwrap()
            .contains("is counted: going")
    );
    assert_eq!(told.body["object"]["tag"][0]["href"], mona.actor.as_str());
    assert_eq!(alpha.count("posts").await, 0, "an answer is not a post");

    // Cancelled: mona, who answered, is told by mention under the event.
    alpha.api(&alice).cancel_event(event.id).await.unwrap();
    alpha.settle().await;
    let creates = mona.received("Create");
    let notice = creates
        .iter()
        .find(|c| c.body["object"]["inReplyTo"] == event.ap_id.as_str())
        .expect("mona hears of the cancellation");
    assert_eq!(notice.verified, Ok(()));
    let text = notice.body["object"]["content"].as_str().unwrap();
    assert!(text.contains("is cancelled"), "{text}");
    assert_eq!(notice.body["object"]["to"], json!([mona.actor]));
}

/// Reads `ics` with Python's icalendar.
fn read_ics(ics: &str) -> Value {
    use std::io::Write;
    let python = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/calendar/.venv/bin/python"
    );
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/calendar/read_ics.py");
    let mut child = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the Python icalendar reader (scripts/test installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "icalendar could not read:\n{ics}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn the_calendar_feed_keeps_nine_oclock_across_the_clock_change_and_cancels_one_occurrence() {
    let (alpha, alice) = alpha_with_guild().await;
    let mona = mastodon_follower(&alpha).await;
    let api = alpha.api(&alice);
    let march = api
        .create_event("secguild", &clinic("2030-03-12T09:00"))
        .await
        .unwrap();
    let november = api
        .create_event("secguild", &clinic("2030-11-12T09:00"))
        .await
        .unwrap();
    // Every second Tuesday from 19 March: across the change on 31 March.
    let series = api
        .create_event(
            "secguild",
            &EventInput {
                rrule: Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU".into()),
                ..clinic("2030-03-19T09:00")
            },
        )
        .await
        .unwrap();
    assert_eq!(
        series.occurrences.len(),
        4,
        "the next four are events of their own"
    );
    let starts: Vec<String> = series
        .occurrences
        .iter()
        .map(|o| o.start.format("%m-%d %H:%M").to_string())
        .collect();
    assert_eq!(
        starts,
        ["03-19 09:00", "04-02 09:00", "04-16 09:00", "04-30 09:00"]
    );
    let second = series.occurrences[1].id;
    let cancelled = api.cancel_event(second).await.unwrap();
    assert_eq!(cancelled.status, EventStatus::Cancelled);
    assert_eq!(cancelled.sequence, 1);
    assert_eq!(
        api.event(series.occurrences[2].id).await.unwrap().status,
        EventStatus::Confirmed
    );
    // An answer to a cancelled occurrence is refused, naming the field.
    let refused = api.rsvp(second, RsvpStatus::Going).await.unwrap_err();
    assert_eq!(
        (refused.status, refused.error.as_str()),
        (422, "unprocessable")
    );

    let res = alpha
        .client
        .get(alpha.url("/c/secguild/events.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let feed = read_ics(&res.text().await.unwrap());
    assert_eq!(feed["timezones"], json!(["Europe/Berlin"]));
    let events = feed["events"].as_array().unwrap();
    let by_uid = |uid: &str| {
        events
            .iter()
            .filter(|e| e["uid"] == uid)
            .cloned()
            .collect::<Vec<_>>()
    };
    let m = &by_uid(&march.ap_id)[0];
    assert_eq!(
        (
            m["start_local"].as_str(),
            m["tz"].as_str(),
            m["start_utc"].as_str()
        ),
        (
            Some("2030-03-12T09:00"),
            Some("Europe/Berlin"),
            Some("2030-03-12T08:00Z")
        )
    );
    let n = &by_uid(&november.ap_id)[0];
    assert_eq!(n["start_utc"], "2030-11-12T08:00Z");
    let s = by_uid(&series.ap_id);
    assert_eq!(
        s.len(),
        2,
        "the series and its one cancelled occurrence: {s:?}"
    );
    let rule = s.iter().find(|e| e["recurrence_id"].is_null()).unwrap();
    assert_eq!(rule["rrule"], "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU");
    assert_eq!(rule["start_utc"], "2030-03-19T08:00Z");
    let one = s.iter().find(|e| !e["recurrence_id"].is_null()).unwrap();
    assert_eq!(one["recurrence_id"], "2030-04-02T09:00");
    assert_eq!(
        one["start_utc"], "2030-04-02T07:00Z",
        "09:00 in summer time"
    );
    assert_eq!(one["status"], "CANCELLED");
    assert_eq!(one["sequence"], 1);

    // Later on, the periodic top-up adds the sessions that come next.
    let state = alpha.state().await;
    let later = series.occurrences[1].end.and_utc() + chrono::Duration::days(1);
    let added = guildhall::services::event::series::top_up(&state, later)
        .await
        .unwrap();
    assert_eq!(added, 2, "two sessions passed: two more come");
    let again = guildhall::services::event::series::top_up(&state, later)
        .await
        .unwrap();
    assert_eq!(again, 0, "nothing twice");
    assert_eq!(api.event(series.id).await.unwrap().occurrences.len(), 6);

    // One event's page and its own calendar file.
    let page = alpha
        .client
        .get(alpha.url(&format!("/events/{}", march.id)))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Tue 12 Mar 2030, 09:00–10:30 (Europe/Berlin, UTC+01:00)"),
        "{page}"
    );
    assert!(page.contains(&format!("/events/{}.ics", march.id)));
    let own = alpha
        .client
        .get(alpha.url(&format!("/events/{}.ics", series.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let own = read_ics(&own);
    assert_eq!(
        own["events"].as_array().unwrap().len(),
        2,
        "the series and its cancelled occurrence"
    );

    // Each occurrence went out as an Event of its own (Mastodon sees boosts).
    alpha.settle().await;
    let boosted: Vec<String> = mona
        .received("Announce")
        .iter()
        .filter_map(|a| a.body["object"].as_str().map(str::to_string))
        .collect();
    for occurrence in &series.occurrences {
        let id = format!("{}/events/{}", alpha.base, occurrence.id);
        assert!(boosted.contains(&id), "{id} in {boosted:?}");
    }
    assert!(
        !boosted.iter().any(|b| b == &series.ap_id),
        "a series is not an object"
    );
    alpha.settle().await;
}

#[tokio::test]
async fn bad_events_are_refused_naming_the_field_and_nothing_is_stored() {
    let (alpha, alice) = alpha_with_guild().await;
    let api = alpha.api(&alice);
    let cases = [
        (
            "end",
            EventInput {
                end: clinic("2030-03-12T08:00").start,
                ..clinic("2030-03-12T09:00")
            },
        ),
        (
            "timezone",
            EventInput {
                timezone: "Mars/Olympus".into(),
                ..clinic("2030-03-12T09:00")
            },
        ),
        ("start", clinic("2030-03-31T02:30")),
        (
            "capacity",
            EventInput {
                capacity: Some(-1),
                ..clinic("2030-03-12T09:00")
            },
        ),
        (
            "rrule",
            EventInput {
                rrule: Some("FREQ=SOMETIMES".into()),
                ..clinic("2030-03-12T09:00")
            },
        ),
        (
            "practice",
            EventInput {
                practice: Some("Knitting circle".into()),
                ..clinic("2030-03-12T09:00")
            },
        ),
        (
            "online_url",
            EventInput {
                online_url: Some("javascript:alert(1)".into()),
                ..clinic("2030-03-12T09:00")
            },
        ),
    ];
    for (field, input) in cases {
        let refused = api.create_event("secguild", &input).await.unwrap_err();
        assert_eq!(refused.status, 422, "{field}");
        assert_eq!(refused.field.as_deref(), Some(field), "{}", refused.message);
    }
    // A practice the charter names is taken, spelled as the charter spells it.
    api.put_charter("secguild", &crate::common::sample_charter())
        .await
        .unwrap();
    let linked = api
        .create_event(
            "secguild",
            &EventInput {
                practice: Some("threat MODELLING clinic".into()),
                ..clinic("2030-03-12T09:00")
            },
        )
        .await
        .unwrap();
    assert_eq!(linked.practice.as_deref(), Some("Threat modelling clinic"));
    let past = api
        .create_event("secguild", &clinic("2020-03-12T09:00"))
        .await
        .unwrap();
    let refused = api.rsvp(past.id, RsvpStatus::Going).await.unwrap_err();
    assert!(refused.message.contains("over"), "{}", refused.message);
    let moved = api
        .update_event(
            past.id,
            &EventChanges {
                timezone: Some("Nowhere/Land".into()),
                ..EventChanges::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(moved.status, 422);
    assert_eq!(alpha.count("events").await, 2, "only the valid ones");
    assert_eq!(alpha.count("event_rsvps").await, 0);
}

#[tokio::test]
async fn a_member_on_another_instance_sees_the_event_answers_it_and_both_sides_agree() {
    let pair = crate::common::MemberPair::start().await;
    let (alice, bob) = (pair.alpha.api(&pair.alice), pair.beta.api(&pair.bob));
    let event = alice
        .create_event("secguild", &clinic("2030-11-12T09:00"))
        .await
        .unwrap();
    pair.settle().await;

    let path = format!("/api/v1/communities/{}/events", pair.handle);
    let none: Option<&()> = None;
    let listed: guildhall::api::Page<EventResponse> =
        bob.call(Method::GET, &path, none, 200).await.unwrap();
    let copy = listed
        .items
        .iter()
        .find(|e| e.ap_id == event.ap_id)
        .expect("beta shows alpha's event");
    assert!(!copy.local);
    assert_eq!(
        (copy.start, copy.timezone.as_str()),
        (event.start, "Europe/Berlin")
    );
    assert_eq!(copy.starts_at, event.starts_at);
    assert_eq!(copy.location, event.location);

    // Bob answers on beta: a Join goes to alpha, which accepts and counts.
    bob.rsvp(copy.id, RsvpStatus::Going).await.unwrap();
    pair.settle().await;
    assert_eq!(alice.event(event.id).await.unwrap().going, 1);
    assert_eq!(
        bob.event(copy.id).await.unwrap().going,
        1,
        "the same count on both sides"
    );
    let mut conn = <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(
        &pair.beta.db.url,
    )
    .await
    .unwrap();
    let state: Vec<guildhall::db::rsvp::RsvpRow> = {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        guildhall::db::schema::event_rsvps::table
            .select(guildhall::db::rsvp::RsvpRow::as_select())
            .load(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(state.len(), 1);
    assert_eq!(
        state[0].state,
        guildhall::domain::event::RsvpState::Accepted,
        "alpha's Accept arrived"
    );

    // Cancelled on alpha: cancelled on beta and in alpha's calendar file.
    alice.cancel_event(event.id).await.unwrap();
    pair.settle().await;
    assert_eq!(
        bob.event(copy.id).await.unwrap().status,
        EventStatus::Cancelled
    );
    let ics = pair
        .alpha
        .client
        .get(pair.alpha.url(&format!("/events/{}.ics", event.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(read_ics(&ics)["events"][0]["status"], "CANCELLED");
}

#[tokio::test]
async fn in_approval_mode_a_moderator_lets_people_come_up_to_the_capacity() {
    let (alpha, alice) = alpha_with_guild().await;
    let bob = alpha.user("bob", false).await;
    alpha.api(&bob).follow("secguild").await.unwrap();
    let mona = FakeMastodon::start().await;
    let event = alpha
        .api(&alice)
        .create_event(
            "secguild",
            &EventInput {
                capacity: Some(1),
                join_mode: guildhall::domain::event::JoinMode::Approval,
                ..clinic("2030-03-12T09:00")
            },
        )
        .await
        .unwrap();
    let waiting = alpha
        .api(&bob)
        .rsvp(event.id, RsvpStatus::Going)
        .await
        .unwrap();
    assert_eq!(waiting.going, 0, "waits for a moderator");
    let inbox = format!("{}/c/secguild/inbox", alpha.base);
    let join = mobilizon_join(&mona.actor, &event.ap_id, 1);
    assert_eq!(mona.deliver(&inbox, &join).await, 202);
    alpha.settle().await;
    assert!(mona.received("Accept").is_empty() && mona.received("Reject").is_empty());

    let decide = |token: String, who: String, verb: &'static str| {
        let api = alpha.api(&token);
        let path = format!("/api/v1/events/{}/attendees/{verb}", event.id);
        async move {
            api.call::<()>(Method::POST, &path, Some(&json!({ "person": who })), 204)
                .await
        }
    };
    let refused = decide(bob.clone(), "bob".into(), "approve")
        .await
        .unwrap_err();
    assert_eq!(
        refused.status, 403,
        "only moderators and the organiser decide"
    );
    decide(alice.clone(), mona.actor.clone(), "approve")
        .await
        .unwrap();
    alpha.settle().await;
    let accepts = mona.received("Accept");
    assert_eq!(accepts.len(), 1);
    assert_eq!(accepts[0].body["object"]["id"], join["id"]);
    let full = decide(alice.clone(), "bob".into(), "approve")
        .await
        .unwrap_err();
    assert_eq!(full.status, 409, "{}", full.message);
    decide(alice.clone(), "bob".into(), "reject").await.unwrap();
    let seen = alpha.api(&alice).event(event.id).await.unwrap();
    assert_eq!(seen.going, 1);
    let attendees = seen.attendees.unwrap();
    assert_eq!(
        attendees.len(),
        1,
        "a rejected answer is not listed: {attendees:?}"
    );
    assert_eq!(
        attendees[0].state,
        guildhall::domain::event::RsvpState::Accepted
    );
    alpha.settle().await;
}

/// The reasons alpha recorded for the activities it refused.
pub(crate) async fn refusals(alpha: &TestApp) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Refused {
        #[diesel(sql_type = diesel::sql_types::Text)]
        error: String,
    }
    let mut conn = <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(
        &alpha.db.url,
    )
    .await
    .unwrap();
    let rows: Vec<Refused> = diesel_async::RunQueryDsl::load(
        diesel::sql_query(
            "SELECT error FROM incoming_activities WHERE error IS NOT NULL ORDER BY received_at",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    rows.into_iter().map(|r| r.error).collect()
}

#[tokio::test]
async fn forged_answers_and_events_from_strangers_are_refused_and_change_nothing() {
    let (alpha, alice) = alpha_with_guild().await;
    let api = alpha.api(&alice);
    let series = api
        .create_event(
            "secguild",
            &EventInput {
                rrule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
                ..clinic("2030-03-12T09:00")
            },
        )
        .await
        .unwrap();
    let peer = FakePeer::start("hostile", "guildhall").await;
    let eve = peer.actor("u/eve", "Person");
    let group = peer.actor("c/hostile", "Group");
    let inbox = format!("{}/inbox", alpha.base);
    let ours = format!("{}/c/secguild", alpha.base);

    // A Join of the series itself, and of an event that is not ours.
    let join_series = json!({"id": format!("{eve}/join/1"), "type": "Join", "actor": eve, "object": series.ap_id});
    let join_elsewhere = json!({"id": format!("{eve}/join/2"), "type": "Join", "actor": eve, "object": format!("{}/events/9", peer.base)});
    // A reply to our event whose note claims another author.
    let occurrence = format!("{}/events/{}", alpha.base, series.occurrences[0].id);
    let forged_reply = json!({
        "id": format!("{eve}/statuses/1/activity"), "type": "Create", "actor": eve,
        "to": [ours], "object": {"id": format!("{eve}/statuses/1"), "type": "Note",
        "attributedTo": format!("{}/u/mallory", peer.base), "inReplyTo": occurrence,
        "content": "<p>going</p>", "to": [ours]}
    });
    // A community nobody here follows announces an event into ours.
    let event = json!({"id": format!("{eve}/events/1"), "type": "Event", "name": "Spam",
        "attributedTo": eve, "audience": ours, "to": [ours], "startTime": "2030-03-12T09:00:00+01:00"});
    let smuggled = json!({"id": format!("{group}/announce/1"), "type": "Announce", "actor": group, "to": [ours],
        "object": {"id": format!("{eve}/create/1"), "type": "Create", "actor": eve, "to": [ours], "object": event}});
    // An answer to a Join nobody here sent.
    let accept = json!({"id": format!("{group}/accept/1"), "type": "Accept", "actor": group,
        "object": {"id": format!("{}/activities/join/nosuch", alpha.base), "type": "Join", "actor": format!("{}/u/alice", alpha.base), "object": event["id"]}});
    for (signer, activity) in [
        (&eve, &join_series),
        (&eve, &join_elsewhere),
        (&eve, &forged_reply),
        (&group, &smuggled),
        (&group, &accept),
    ] {
        assert_eq!(
            peer.deliver(signer, &inbox, activity).await,
            202,
            "{activity}"
        );
    }
    alpha.settle().await;

    let reasons = refusals(&alpha).await;
    assert_eq!(reasons.len(), 5, "{reasons:#?}");
    for expected in [
        "answer a single occurrence of a series",
        "only our events can be joined here",
        "the object's author is not the activity's actor",
        "no one here follows this community",
        "an answer",
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(expected)),
            "{expected} in {reasons:#?}"
        );
    }
    assert_eq!(alpha.count("event_rsvps").await, 0);
    assert_eq!(
        alpha.count("events").await,
        5,
        "the series and its four sessions only"
    );
    assert_eq!(alpha.count("posts").await, 0);
}

#[tokio::test]
async fn strangers_cannot_change_events_and_scripts_do_not_survive() {
    let (alpha, alice) = alpha_with_guild().await;
    let eve = alpha.user("eve", false).await;
    let event = alpha
        .api(&alice)
        .create_event(
            "secguild",
            &EventInput {
                description: "Hi <script>alert(1)</script><img src=x onerror=alert(2)>".into(),
                ..clinic("2030-03-12T09:00")
            },
        )
        .await
        .unwrap();
    assert!(!event.description.contains("<script") && !event.description.contains("onerror"));
    let eve_api = alpha.api(&eve);
    let changes = EventChanges {
        title: Some("Hijacked".into()),
        ..EventChanges::default()
    };
    assert_eq!(
        eve_api
            .update_event(event.id, &changes)
            .await
            .unwrap_err()
            .status,
        403
    );
    assert_eq!(
        eve_api.cancel_event(event.id).await.unwrap_err().status,
        403
    );
    let none: Option<&()> = None;
    let path = format!("/api/v1/events/{}", event.id);
    let deleted = eve_api.call::<()>(Method::DELETE, &path, none, 204).await;
    assert_eq!(deleted.unwrap_err().status, 403);
    let feed = alpha
        .anonymous()
        .call::<()>(Method::POST, "/api/v1/calendar", none, 201)
        .await;
    assert_eq!(feed.unwrap_err().status, 401);
    let page = alpha
        .client
        .get(alpha.url(&format!("/events/{}", event.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<script>alert") && !page.contains("onerror"));
    let seen = alpha.anonymous().event(event.id).await.unwrap();
    assert_eq!(
        (seen.title.as_str(), seen.status),
        ("Threat modelling clinic", EventStatus::Confirmed)
    );
}
