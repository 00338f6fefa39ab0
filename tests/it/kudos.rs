//! Kudos and milestones: a kudos reaches a Mastodon-shaped recipient as a
//! `Create{Note}` that mentions them, tags `#kudos` and reads as a
//! sentence; kudos given on alpha are listed on beta under the recipient's
//! received kudos (also when beta does not follow the community); a
//! Mastodon toot with `#kudos` becomes a kudos; the tenth member fires one
//! milestone post, also with two processes racing; bad input and abuse are
//! refused and nothing is stored.

use crate::{
    client::{Answer, Api, titled},
    common::{MemberPair, TestApp},
    events::mastodon_follower,
    mastodon::FakeMastodon,
};
use guildhall::{
    api::{
        Page,
        communities::UpdateCommunity,
        kudos::{ContributorResponse, KudosResponse, NewKudos},
        posts::PostResponse,
    },
    domain::{
        kudos::Categories,
        milestone::{MilestoneKind, SwitchedOff},
    },
};
use reqwest::Method;
use serde_json::{Value, json};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

impl Api {
    async fn give_kudos(&self, handle: &str, kudos: &NewKudos) -> Answer<KudosResponse> {
        let path = format!("/api/v1/communities/{handle}/kudos");
        self.call(Method::POST, &path, Some(kudos), 201).await
    }

    async fn kudos_wall(&self, handle: &str) -> Answer<Page<KudosResponse>> {
        let none: Option<&()> = None;
        let path = format!("/api/v1/communities/{handle}/kudos");
        self.call(Method::GET, &path, none, 200).await
    }

    async fn kudos_of(&self, person: &str, role: &str) -> Answer<Page<KudosResponse>> {
        let none: Option<&()> = None;
        let path = format!("/api/v1/people/{person}/kudos?role={role}");
        self.call(Method::GET, &path, none, 200).await
    }

    async fn withdraw_kudos(&self, id: i64) -> Answer<()> {
        let none: Option<&()> = None;
        let path = format!("/api/v1/kudos/{id}");
        self.call(Method::DELETE, &path, none, 204).await
    }

    async fn contributors(&self, handle: &str, query: &str) -> Answer<Page<ContributorResponse>> {
        let none: Option<&()> = None;
        let path = format!("/api/v1/communities/{handle}/contributors?{query}");
        self.call(Method::GET, &path, none, 200).await
    }
}

/// A kudos to `recipient` saying `message`.
fn thanks(recipient: &str, message: &str) -> NewKudos {
    NewKudos {
        recipient: recipient.into(),
        message: message.into(),
        ..NewKudos::default()
    }
}

/// The posts of a community that celebrate a milestone of `kind`.
async fn milestones(api: &Api, handle: &str, kind: MilestoneKind) -> Vec<PostResponse> {
    api.posts(handle)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|p| p.milestone == Some(kind))
        .collect()
}

#[tokio::test]
async fn a_mastodon_recipient_gets_a_note_that_mentions_them_tags_kudos_and_reads_as_a_sentence() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.celebrating_community(&alice, "secguild").await;
    let mona = mastodon_follower(&alpha).await;
    let alice = alpha.api(&alice);

    let given = alice
        .give_kudos(
            "secguild",
            &NewKudos {
                category: Some("mentored".into()),
                ..thanks(&mona.actor, "walking me through <b>threat models</b>")
            },
        )
        .await
        .unwrap();
    assert_eq!(given.recipient, "mona@mastodon.test");
    assert_eq!(given.category.as_deref(), Some("mentored"));
    alpha.settle().await;

    // Straight to her server: a Create{Note} by alice that Mastodon notifies on.
    let create = mona
        .received("Create")
        .pop()
        .expect("mona receives the kudos");
    assert_eq!(create.verified, Ok(()), "signed by the giver");
    let note = &create.body["object"];
    assert_eq!(note["type"], "Note");
    assert_eq!(note["id"], given.ap_id);
    assert_eq!(create.body["actor"], format!("{}/u/alice", alpha.base));
    let tags = note["tag"].as_array().unwrap();
    assert!(
        tags.iter()
            .any(|t| t["type"] == "Mention" && t["href"] == mona.actor.as_str()),
        "a Mention of mona: {tags:?}"
    );
    assert!(
        tags.iter()
            .any(|t| t["type"] == "Hashtag" && t["name"] == "#kudos"),
        "the #kudos hashtag: {tags:?}"
    );
    let addressed: Vec<&Value> = note["to"]
        .as_array()
        .unwrap()
        .iter()
        .chain(note["cc"].as_array().unwrap())
        .collect();
    assert!(addressed.contains(&&json!(mona.actor)), "mona is addressed");
    assert!(addressed.contains(&&json!(PUBLIC)), "it is public");
    let content = note["content"].as_str().unwrap();
    assert!(
        content.starts_with("<p>Kudos to <span class=\"h-card\">"),
        "{content}"
    );
    assert!(
        content.contains(" for mentoring: walking me through &lt;b&gt;threat models&lt;/b&gt;"),
        "the message reads as a sentence, escaped: {content}"
    );
    assert_eq!(note["kudos"]["recipient"], mona.actor.as_str());
    assert_eq!(note["kudos"]["category"], "mentored");

    // As a follower she also gets the group's boost of the same note, which
    // she can fetch from its id.
    let boost = mona.received("Announce").pop().expect("the group's boost");
    assert_eq!(boost.body["object"], given.ap_id);
    let (status, fetched) = mona.fetch(&given.ap_id, true).await;
    assert_eq!(status, 200);
    assert_eq!(fetched["kudos"]["recipient"], mona.actor.as_str());
    assert_eq!(fetched["tag"], note["tag"]);

    // The wall lists it, newest first; the contributors count it.
    let wall = alpha.anonymous().kudos_wall("secguild").await.unwrap();
    assert_eq!(wall.items.len(), 1);
    assert_eq!(
        wall.items[0].message,
        "walking me through <b>threat models</b>"
    );
    let top = alpha
        .anonymous()
        .contributors("secguild", "period=all&by=kudos")
        .await
        .unwrap();
    assert_eq!(top.items[0].kudos_received, 1);
    assert_eq!(top.items[0].person, format!("mona@{}", "mastodon.test"));

    // The community page shows the wall, the giver's words as text.
    let page = alpha
        .send(Method::GET, "/c/secguild", None, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"kudos\""), "{page}");
    assert!(page.contains("walking me through &lt;b&gt;threat models&lt;/b&gt;"));
    assert!(!page.contains("<b>threat models"));
}

#[tokio::test]
async fn a_kudos_counts_in_the_ranking_at_once_and_leaves_it_at_once_though_rankings_are_kept_a_minute()
 {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    let bob = alpha.user("bob", false).await;
    alpha.community(&alice, "secguild").await;
    alpha.api(&bob).follow("secguild").await.unwrap();
    let ranking = || async {
        alpha
            .anonymous()
            .contributors("secguild", "period=30d&by=kudos")
            .await
            .unwrap()
            .items
            .iter()
            .map(|c| (c.person.clone(), c.kudos_received))
            .collect::<Vec<_>>()
    };
    assert_eq!(ranking().await, [], "nobody yet, and that is kept");
    let given = alpha
        .api(&alice)
        .give_kudos("secguild", &thanks("bob", "running the clinic"))
        .await
        .unwrap();
    assert_eq!(
        ranking().await.first(),
        Some(&("bob".to_string(), 1)),
        "bob first, with his kudos"
    );
    alpha.api(&alice).withdraw_kudos(given.id).await.unwrap();
    assert_eq!(
        ranking().await,
        [],
        "a withdrawn kudos leaves the ranking at once"
    );

    let again = alpha
        .api(&bob)
        .give_kudos("secguild", &thanks("alice", "the threat model"))
        .await
        .unwrap();
    assert_eq!(ranking().await.first(), Some(&("alice".to_string(), 1)));
    // Alice moderates secguild: she removes the kudos she was given.
    alpha.api(&alice).withdraw_kudos(again.id).await.unwrap();
    assert_eq!(
        ranking().await,
        [],
        "a removed kudos leaves the ranking at once"
    );
}

#[tokio::test]
async fn kudos_given_on_alpha_are_listed_on_beta_under_the_recipients_received_kudos() {
    let pair = MemberPair::start().await;
    let alice = pair.alpha.api(&pair.alice);
    let bob = format!("@bob@{}", pair.beta.domain);
    // Carol lives on gamma, where nobody follows the community.
    let gamma = TestApp::spawn_named("gamma").await;
    gamma.user("carol", false).await;
    let carol = format!("@carol@{}", gamma.domain);
    let all = [&pair.alpha, &pair.beta, &gamma];

    let to_bob = alice
        .give_kudos("secguild", &thanks(&bob, "the fuzzing workshop"))
        .await
        .unwrap();
    let to_carol = alice
        .give_kudos("secguild", &thanks(&carol, "reviewing our charter"))
        .await
        .unwrap();
    crate::common::settle(&all).await;

    let bobs = pair
        .beta
        .anonymous()
        .kudos_of("bob", "received")
        .await
        .unwrap();
    assert_eq!(bobs.items.len(), 1, "bob's received kudos on beta");
    assert_eq!(bobs.items[0].ap_id, to_bob.ap_id);
    assert_eq!(bobs.items[0].message, "the fuzzing workshop");
    assert_eq!(
        bobs.items[0].giver,
        format!("alice@{}", pair.alpha.domain.split(':').next().unwrap())
    );
    assert_eq!(
        bobs.items[0].community,
        pair.handle.split(':').next().unwrap()
    );
    assert!(
        bobs.items[0].post_id.is_some(),
        "beta holds the community's post"
    );

    let carols = gamma
        .anonymous()
        .kudos_of("carol", "received")
        .await
        .unwrap();
    assert_eq!(carols.items.len(), 1, "carol's kudos, kept for her alone");
    assert_eq!(carols.items[0].ap_id, to_carol.ap_id);
    assert_eq!(carols.items[0].message, "reviewing our charter");
    assert_eq!(carols.items[0].post_id, None);
    assert!(
        gamma
            .anonymous()
            .kudos_of("carol", "given")
            .await
            .unwrap()
            .items
            .is_empty(),
        "carol gave none"
    );

    // Alice's list on alpha: both given, none received.
    let given = alice.kudos_of("alice", "given").await.unwrap();
    assert_eq!(given.items.len(), 2);
    assert_eq!(given.items[0].ap_id, to_carol.ap_id, "newest first");

    // Alice takes back the one to carol: gone on both sides.
    alice.withdraw_kudos(to_carol.id).await.unwrap();
    crate::common::settle(&all).await;
    assert!(
        gamma
            .anonymous()
            .kudos_of("carol", "received")
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(alice.kudos_wall("secguild").await.unwrap().items.len(), 1);
}

/// Mona's toot to the group that thanks `person` (the captured toot,
/// re-addressed), tagged `#kudos` when `tagged`.
fn kudos_toot(mona: &FakeMastodon, group: &str, person: &str, tagged: bool) -> Value {
    let mut create = crate::mastodon_peer::mention_toot(mona, group, 77, true);
    create["cc"].as_array_mut().unwrap().push(json!(person));
    let note = &mut create["object"];
    note["cc"].as_array_mut().unwrap().push(json!(person));
    note["content"] = json!(format!(
        "<p><span class=\"h-card\"><a href=\"{group}\" class=\"u-url mention\">@<span>secguild</span></a></span> \
         <span class=\"h-card\"><a href=\"{person}\" class=\"u-url mention\">@<span>bob</span></a></span> \
         thanks for the incident drill! <a href=\"https://mastodon.test/tags/kudos\" class=\"mention hashtag\" rel=\"tag\">#<span>kudos</span></a></p>"
    ));
    let tags = note["tag"].as_array_mut().unwrap();
    tags.push(json!({"type": "Mention", "href": person, "name": "@bob@alpha.test"}));
    if tagged {
        tags.push(json!({"type": "Hashtag", "href": "https://mastodon.test/tags/kudos", "name": "#kudos"}));
    }
    create
}

#[tokio::test]
async fn a_mastodon_toot_with_kudos_that_mentions_a_member_becomes_a_kudos() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.celebrating_community(&alice, "secguild").await;
    let bob = alpha.user("bob", false).await;
    alpha.api(&bob).follow("secguild").await.unwrap();
    let mona = mastodon_follower(&alpha).await;
    let group = format!("{}/c/secguild", alpha.base);
    let bob_id = format!("{}/u/bob", alpha.base);

    let toot = kudos_toot(&mona, &group, &bob_id, true);
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &toot).await, 202);
    alpha.settle().await;

    let wall = alpha.anonymous().kudos_wall("secguild").await.unwrap();
    assert_eq!(wall.items.len(), 1, "the toot is a kudos");
    let kudos = &wall.items[0];
    assert_eq!(kudos.recipient, "bob");
    assert_eq!(kudos.giver, "mona@mastodon.test");
    assert!(
        kudos.message.contains("thanks for the incident drill"),
        "{}",
        kudos.message
    );
    assert_eq!(
        alpha
            .anonymous()
            .kudos_of("bob", "received")
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let page = alpha
        .send(Method::GET, "/u/bob", None, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Kudos received"), "{page}");
    assert!(page.contains("thanks for the incident drill"), "{page}");

    // Without the hashtag, a toot that mentions bob is an ordinary post.
    let mut plain = kudos_toot(&mona, &group, &bob_id, false);
    plain["id"] = json!(format!("{}/statuses/78/activity", mona.actor));
    plain["object"]["id"] = json!(format!("{}/statuses/78", mona.actor));
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &plain).await, 202);
    alpha.settle().await;
    assert_eq!(
        alpha
            .anonymous()
            .kudos_wall("secguild")
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert_eq!(alpha.count("posts WHERE author_id IS NOT NULL").await, 2);
}

#[tokio::test]
async fn the_tenth_member_fires_one_milestone_post_also_with_two_processes_racing() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.celebrating_community(&alice, "secguild").await;
    let mona = mastodon_follower(&alpha).await; // member 1
    let mut tokens = Vec::new();
    for n in 2..=11 {
        tokens.push(alpha.user(&format!("member{n}"), false).await);
    }
    for token in &tokens[..7] {
        alpha.api(token).follow("secguild").await.unwrap(); // members 2–8
    }
    let anyone = alpha.anonymous();
    let three = milestones(&anyone, "secguild", MilestoneKind::Members).await;
    assert_eq!(three.len(), 1, "the third member: a core team");
    assert_eq!(three[0].title.as_deref(), Some("secguild has 3 members"));
    assert_eq!(
        three[0].author, "secguild",
        "posted by the community itself"
    );

    // Members 9, 10 and 11 join at once through two processes.
    let second = alpha.another_process().await;
    let client = reqwest::Client::new();
    let first = alpha.api(&tokens[7]);
    let other = Api::at(&client, &second, Some(&tokens[8]));
    let third = Api::at(&client, &second, Some(&tokens[9]));
    let (a, b, c) = tokio::join!(
        first.follow("secguild"),
        other.follow("secguild"),
        third.follow("secguild")
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    alpha.settle().await;
    let ten = milestones(&anyone, "secguild", MilestoneKind::Members).await;
    assert_eq!(ten.len(), 2, "3 and 10, each once");
    assert_eq!(ten[0].title.as_deref(), Some("secguild has 10 members"));

    // Announced to the followers: Mastodon gets the boost of the post.
    let boosts: Vec<Value> = mona
        .received("Announce")
        .into_iter()
        .map(|r| r.body["object"].clone())
        .collect();
    assert!(boosts.contains(&json!(ten[0].ap_id)), "{boosts:?}");
    let (status, note) = mona.fetch(&ten[0].ap_id, true).await;
    assert_eq!(status, 200);
    assert_eq!(note["attributedTo"], format!("{}/c/secguild", alpha.base));

    // Leaving and joining again, or another start of the server, repeats nothing.
    alpha.api(&tokens[9]).unfollow("secguild").await.unwrap();
    alpha.api(&tokens[9]).follow("secguild").await.unwrap();
    let _restarted = alpha.another_process().await;
    alpha.settle().await;
    assert_eq!(
        milestones(&anyone, "secguild", MilestoneKind::Members)
            .await
            .len(),
        2
    );
    assert_eq!(alpha.count("milestones WHERE kind = 'members'").await, 2);
}

#[tokio::test]
async fn first_posts_and_tenth_kudos_are_celebrated_unless_switched_off() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice_token = alpha.user("alice", false).await;
    alpha.celebrating_community(&alice_token, "secguild").await;
    let alice = alpha.api(&alice_token);
    let bob_token = alpha.user("bob", false).await;
    let bob = alpha.api(&bob_token);
    bob.follow("secguild").await.unwrap();

    bob.create_post("secguild", &titled("Hello", "First time here"))
        .await
        .unwrap();
    bob.create_post("secguild", &titled("Again", "Second post"))
        .await
        .unwrap();
    let welcomes = milestones(&bob, "secguild", MilestoneKind::FirstPost).await;
    assert_eq!(welcomes.len(), 1, "one welcome for bob");
    assert_eq!(welcomes[0].title.as_deref(), Some("Welcome, bob"));

    for n in 0..10 {
        bob.give_kudos("secguild", &thanks("alice", &format!("thanks #{n}")))
            .await
            .unwrap();
    }
    let tenth = milestones(&bob, "secguild", MilestoneKind::KudosReceived).await;
    assert_eq!(tenth.len(), 1, "alice's tenth kudos");

    // A moderator switches welcomes off: carol's first post gets none.
    alice
        .update_community(
            "secguild",
            &UpdateCommunity {
                milestones_off: Some(SwitchedOff(vec![MilestoneKind::FirstPost])),
                kudos_categories: Some(Categories(vec!["drills".into()])),
                ..UpdateCommunity::default()
            },
        )
        .await
        .unwrap();
    let carol = alpha.api(&alpha.user("carol", false).await);
    carol.follow("secguild").await.unwrap();
    carol
        .create_post("secguild", &titled("Hi", "Carol here"))
        .await
        .unwrap();
    assert_eq!(
        milestones(&bob, "secguild", MilestoneKind::FirstPost)
            .await
            .len(),
        1
    );
    // The community's own categories replace the defaults.
    let refused = carol
        .give_kudos(
            "secguild",
            &NewKudos {
                category: Some("mentored".into()),
                ..thanks("bob", "x")
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("category"));
    carol
        .give_kudos(
            "secguild",
            &NewKudos {
                category: Some("drills".into()),
                ..thanks("bob", "ran the drill")
            },
        )
        .await
        .unwrap();
    alpha.settle().await;
}

#[tokio::test]
async fn bad_kudos_and_abuse_are_refused_and_nothing_is_stored() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice_token = alpha.user("alice", false).await;
    alpha.celebrating_community(&alice_token, "secguild").await;
    let alice = alpha.api(&alice_token);
    let bob = alpha.api(&alpha.user("bob", false).await);
    bob.follow("secguild").await.unwrap();
    let mallory = alpha.api(&alpha.user("mallory", false).await);
    mallory.follow("secguild").await.unwrap();
    alice.ban("secguild", "mallory", "spam").await.unwrap();
    let other = alice
        .create_community(&crate::client::named("dataguild"))
        .await
        .unwrap();
    let elsewhere = alice
        .create_post("dataguild", &titled("Elsewhere", "not secguild"))
        .await
        .unwrap();
    let posts_before = alpha.count("posts").await;

    let cases: Vec<(NewKudos, u16, &str)> = vec![
        (thanks("bob", "thanks me"), 422, "recipient"),
        (thanks("alice", "   "), 422, "message"),
        (thanks("alice", &"x".repeat(1001)), 422, "message"),
        (
            NewKudos {
                category: Some("bribery".into()),
                ..thanks("alice", "ok")
            },
            422,
            "category",
        ),
        (thanks("nobody", "ok"), 422, "recipient"),
        (thanks("mallory", "ok"), 422, "recipient"),
        (
            NewKudos {
                thanks_for: Some(elsewhere.ap_id.clone()),
                ..thanks("alice", "ok")
            },
            422,
            "for",
        ),
        (
            NewKudos {
                thanks_for: Some("https://evil.example/p/1".into()),
                ..thanks("alice", "ok")
            },
            422,
            "for",
        ),
    ];
    for (kudos, status, field) in cases {
        let refused = bob.give_kudos("secguild", &kudos).await.unwrap_err();
        assert_eq!(
            (refused.status, refused.field.as_deref()),
            (status, Some(field)),
            "{kudos:?}: {refused:?}"
        );
    }
    // Malformed and unknown fields.
    let res = alpha
        .send(
            Method::POST,
            "/api/v1/communities/secguild/kudos",
            Some(&alice_token),
            Some("{\"recipient\": \"bob\", ".into()),
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = alpha
        .send(
            Method::POST,
            "/api/v1/communities/secguild/kudos",
            Some(&alice_token),
            Some(json!({"recipient": "bob", "message": "x", "stars": 5}).to_string()),
        )
        .await;
    assert_eq!(res.status(), 422);
    // A banned giver cannot give; strangers must sign in.
    let refused = mallory
        .give_kudos("secguild", &thanks("bob", "hi"))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 403);
    let refused = alpha
        .anonymous()
        .give_kudos("secguild", &thanks("bob", "hi"))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 401);
    assert_eq!(alpha.count("kudos").await, 0);
    assert_eq!(alpha.count("posts").await, posts_before);

    // The rate limit: 30 an hour, then 429 (and the 31st is not stored).
    for n in 0..30 {
        bob.give_kudos("secguild", &thanks("alice", &format!("thanks {n}")))
            .await
            .unwrap();
    }
    let refused = bob
        .give_kudos("secguild", &thanks("alice", "one more"))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 429);
    assert_eq!(alpha.count("kudos").await, 30);

    // Only the giver or a moderator takes a kudos away; a moderator's
    // removal is logged.
    let wall = alice.kudos_wall("secguild").await.unwrap();
    let last = &wall.items[0];
    let carol = alpha.api(&alpha.user("carol", false).await);
    assert_eq!(carol.withdraw_kudos(last.id).await.unwrap_err().status, 403);
    alice.withdraw_kudos(last.id).await.unwrap();
    assert_eq!(alice.kudos_wall("secguild").await.unwrap().items.len(), 29);
    let log = alice.modlog("secguild").await.unwrap();
    assert!(log.items.iter().any(|e| e.action == "remove_post"));
    assert_eq!(bob.withdraw_kudos(last.id).await.unwrap_err().status, 404);
    let _ = other;

    // Someone on an instance the admin blocked cannot be thanked.
    let peer = crate::fake_peer::FakePeer::start("blocked", "guildhall").await;
    let eve = peer.actor("u/eve", "Person");
    let host = url::Url::parse(&eve)
        .unwrap()
        .host_str()
        .unwrap()
        .to_string();
    let root = alpha.api(&alpha.user("root", true).await);
    root.admin_domain("blocks", &host, true).await.unwrap();
    let carol = alpha.api(&alpha.user("carol2", false).await);
    carol.follow("secguild").await.unwrap();
    let refused = carol
        .give_kudos("secguild", &thanks(&eve, "hi"))
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.field.as_deref()),
        (422, Some("recipient"))
    );
    assert_eq!(alpha.count("kudos").await, 29 + 1);
    alpha.settle().await;
}

#[tokio::test]
async fn a_milestone_reaches_a_member_on_another_guildhall_as_the_communitys_own_post() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let alice = alpha.api(&alpha.user("alice", false).await);
    alpha
        .celebrating_community(&alpha.user("owner", false).await, "secguild")
        .await;
    alice.follow("secguild").await.unwrap();
    let bob = beta.api(&beta.user("bob", false).await);
    let handle = format!("secguild@{}", alpha.domain);
    bob.follow(&handle).await.unwrap();
    crate::common::settle(&[&alpha, &beta]).await;

    alice
        .create_post("secguild", &titled("Hello", "My first post"))
        .await
        .unwrap();
    crate::common::settle(&[&alpha, &beta]).await;
    let welcome = milestones(&bob, &handle, MilestoneKind::FirstPost).await;
    assert_eq!(welcome.len(), 1, "beta keeps the community's own post");
    assert_eq!(welcome[0].title.as_deref(), Some("Welcome, alice"));
    assert_eq!(welcome[0].author, handle.split(':').next().unwrap());
    assert_eq!(bob.posts(&handle).await.unwrap().items.len(), 2);
}

#[tokio::test]
async fn forged_kudos_for_our_people_are_refused_and_change_nothing() {
    let alpha = TestApp::spawn_named("alpha").await;
    alpha.user("bob", false).await;
    let bob = format!("{}/u/bob", alpha.base);
    let peer = crate::fake_peer::FakePeer::start("hostile", "guildhall").await;
    let eve = peer.actor("u/eve", "Person");
    let group = peer.actor("c/drills", "Group");
    let inbox = format!("{bob}/inbox");
    let kudos = |n: u32, author: &str, id_host: &str, to: Value, audience: &str| {
        json!({
            "id": format!("{eve}/create/{n}"), "type": "Create", "actor": eve, "to": to,
            "object": {
                "id": format!("{id_host}/notes/{n}"), "type": "Note", "attributedTo": author,
                "to": to, "cc": [bob], "audience": audience,
                "content": "<p>Kudos to @bob</p>",
                "tag": [{"type": "Mention", "href": bob}, {"type": "Hashtag", "name": "#kudos"}],
                "kudos": {"recipient": bob, "message": "for the drill"}
            }
        })
    };
    let public = json!([PUBLIC]);
    let forged = [
        // Claims another author.
        kudos(
            1,
            &format!("{}/u/mallory", peer.base),
            &peer.base,
            public.clone(),
            &group,
        ),
        // The note lives on another host than its author.
        kudos(2, &eve, "https://elsewhere.test", public.clone(), &group),
        // Not public.
        kudos(
            3,
            &eve,
            &peer.base,
            json!([format!("{eve}/followers")]),
            &group,
        ),
        // Its "community" is a person.
        kudos(4, &eve, &peer.base, public.clone(), &eve),
    ];
    for activity in &forged {
        assert_eq!(
            peer.deliver(&eve, &inbox, activity).await,
            202,
            "{activity}"
        );
    }
    alpha.settle().await;
    let reasons = crate::events::refusals(&alpha).await;
    assert_eq!(reasons.len(), 4, "{reasons:#?}");
    assert_eq!(alpha.count("kudos").await, 0);

    // An honest one is kept under bob's received kudos, and only its giver
    // takes it back.
    let honest = kudos(5, &eve, &peer.base, public, &group);
    assert_eq!(peer.deliver(&eve, &inbox, &honest).await, 202);
    alpha.settle().await;
    let received = alpha.anonymous().kudos_of("bob", "received").await.unwrap();
    assert_eq!(received.items.len(), 1);
    assert_eq!(received.items[0].message, "for the drill");
    let note = honest["object"]["id"].clone();
    let mallory = peer.actor("u/mallory", "Person");
    let stolen = json!({"id": format!("{mallory}/delete/1"), "type": "Delete", "actor": mallory, "object": note});
    assert_eq!(peer.deliver(&mallory, &inbox, &stolen).await, 202);
    alpha.settle().await;
    assert_eq!(
        alpha
            .anonymous()
            .kudos_of("bob", "received")
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let taken_back =
        json!({"id": format!("{eve}/delete/1"), "type": "Delete", "actor": eve, "object": note});
    assert_eq!(peer.deliver(&eve, &inbox, &taken_back).await, 202);
    alpha.settle().await;
    assert!(
        alpha
            .anonymous()
            .kudos_of("bob", "received")
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn the_stage_the_first_event_and_each_anniversary_are_celebrated_once() {
    use guildhall::domain::charter::Stage;
    let alpha = TestApp::spawn_named("alpha").await;
    let token = alpha.user("alice", false).await;
    alpha.celebrating_community(&token, "secguild").await;
    let alice = alpha.api(&token);
    let mut charter = crate::common::sample_charter();
    for stage in [
        Stage::Forming,
        Stage::Active,
        Stage::Active,
        Stage::Established,
    ] {
        charter.stage = Some(stage);
        alice.put_charter("secguild", &charter).await.unwrap();
    }
    let stages: Vec<Option<String>> = milestones(&alice, "secguild", MilestoneKind::Stage)
        .await
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(
        stages,
        [
            Some("secguild is now established".to_string()),
            Some("secguild is now active".to_string())
        ]
    );

    let start = chrono::Utc::now()
        .naive_utc()
        .date()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        + chrono::Duration::days(3);
    for title in ["First clinic", "Second clinic"] {
        let input = guildhall::services::event::draft::EventInput {
            title: title.into(),
            start,
            end: start + chrono::Duration::hours(1),
            timezone: "UTC".into(),
            ..Default::default()
        };
        let _: guildhall::api::events::EventResponse = alice
            .call(
                Method::POST,
                "/api/v1/communities/secguild/events",
                Some(&input),
                201,
            )
            .await
            .unwrap();
    }
    let first = milestones(&alice, "secguild", MilestoneKind::FirstEvent).await;
    assert_eq!(first.len(), 1);
    assert!(
        first[0].content.contains("First clinic"),
        "{}",
        first[0].content
    );

    // A year and a day later (the hourly check, run here by hand): one
    // anniversary, however often it runs.
    let state = alpha.state().await;
    let later = chrono::Utc::now() + chrono::Duration::days(366);
    for _ in 0..2 {
        guildhall::services::milestone::celebrate_anniversaries(&state, later)
            .await
            .unwrap();
    }
    let years = milestones(&alice, "secguild", MilestoneKind::Anniversary).await;
    assert_eq!(years.len(), 1);
    assert_eq!(years[0].title.as_deref(), Some("secguild is one year old"));
    alpha.settle().await;
}
