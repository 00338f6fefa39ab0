//! Types we know we cannot handle are refused at the inbox, with a 422
//! and the reason, before anything is stored: the sender does not believe
//! a 202 that would be dropped. (Mobilizon's `Join` and `Leave` of our
//! events are taken: see the events tests.)

use crate::fake_peer::FakePeer;

#[tokio::test]
async fn mobilizon_events_reports_and_other_types_we_cannot_handle_are_refused_before_storing() {
    let (alpha, _, _) = super::alpha_with_secguild().await;
    let events = format!("{}/events", alpha.base);
    let peer = FakePeer::start("mobilizon", "mobilizon").await;
    let base = peer.base.as_str();
    // file, the sender's path, the hosts to re-address, the reason
    let cases = [
        (
            "mobilizon/fixture_mobilizon-post-activity.json",
            "@metacartes",
            "https://mobilizon.fr",
            "events of other instances are taken only from their community's announce",
        ),
        (
            "mobilizon/fixture_mobilizon-post-activity-group.json",
            "@user",
            "http://mobilizon1.com",
            "events of other instances are taken only from their community's announce",
        ),
        (
            "mobilizon/fixture_mobilizon-invite-activity.json",
            "@admin",
            "http://mobilizon2.test",
            "unsupported activity type `Invite`",
        ),
        (
            "mastodon/activities/flag.json",
            "actor",
            "https://mastodon.example",
            "reports (`Flag`)",
        ),
        (
            "lemmy/activities/block/block_user.json",
            "u/lemmy_beta",
            "http://enterprise.lemmy.ml",
            "taken only from a community's announce",
        ),
    ];
    for (file, path, host, reason) in cases {
        let actor = peer.actor(path, "Person");
        let activity = super::readdressed(
            file,
            &[("http://mobilizon.test/events", &events), (host, base)],
        );
        assert_eq!(activity["actor"], actor.as_str(), "{file}: re-addressed");
        assert_eq!(
            peer.deliver(&actor, &format!("{}/inbox", alpha.base), &activity)
                .await,
            422,
            "{file}"
        );
        let (status, message) = super::unsigned(&alpha, &activity).await;
        assert_eq!(status, 422, "{file}");
        assert!(message.contains(reason), "{file}: {message}");
    }
    assert_eq!(
        alpha.count("incoming_activities").await,
        0,
        "nothing stored"
    );
    alpha.settle().await;
}
