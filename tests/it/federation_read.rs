//! The federation read side: WebFinger, actor documents with content
//! negotiation, collections and NodeInfo.

use crate::{
    client::{named, titled},
    common::{TestApp, no_milestones, sample_charter},
};
use guildhall::api::communities::CreateCommunity;
use serde_json::{Value, json};

const AP: &str = "application/activity+json";

async fn app_with_community() -> TestApp {
    let app = TestApp::spawn().await;
    let token = app.user("alice", true).await;
    app.api(&token)
        .create_community(&CreateCommunity {
            title: Some("Security Guild".into()),
            summary: Some("We **share**.".into()),
            charter: Some(sample_charter()),
            ..named("secguild")
        })
        .await
        .unwrap();
    app.api(&token)
        .update_community("secguild", &no_milestones())
        .await
        .unwrap();
    app
}

#[tokio::test]
async fn webfinger_finds_communities_people_and_the_instance_actor() {
    let app = app_with_community().await;
    let wf = |resource: String| {
        let app = &app;
        async move {
            app.get_json(
                &format!("/.well-known/webfinger?resource={resource}"),
                "application/jrd+json",
            )
            .await
        }
    };
    let (status, group) = wf(format!("acct:secguild@{}", app.domain)).await;
    assert_eq!(status, 200);
    assert_eq!(group["subject"], format!("acct:secguild@{}", app.domain));
    let this = group["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap()
        .clone();
    assert_eq!(this["type"], AP);
    assert_eq!(this["href"], format!("{}/c/secguild", app.base));
    assert_eq!(
        this["properties"]["https://www.w3.org/ns/activitystreams#type"],
        "Group"
    );
    assert!(
        group["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["rel"] == "http://webfinger.net/rel/profile-page")
    );

    let (_, person) = wf(format!("acct:alice@{}", app.domain)).await;
    let this = person["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap()
        .clone();
    assert_eq!(this["href"], format!("{}/u/alice", app.base));
    assert_eq!(
        this["properties"]["https://www.w3.org/ns/activitystreams#type"],
        "Person"
    );

    let (_, by_url) = wf(format!("{}/c/secguild", app.base)).await;
    assert_eq!(by_url["subject"], format!("acct:secguild@{}", app.domain));

    let (_, instance) = wf(format!("{}/", app.base)).await;
    let this = instance["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap()
        .clone();
    assert_eq!(this["href"], format!("{}/actor", app.base));

    assert_eq!(wf(format!("acct:nobody@{}", app.domain)).await.0, 404);
    assert_eq!(wf("acct:secguild@elsewhere.example".into()).await.0, 404);
    assert_eq!(
        app.get_json("/.well-known/webfinger", "application/jrd+json")
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn the_group_actor_carries_the_charter_two_ways_and_html_shares_its_url() {
    let app = app_with_community().await;
    let res = app
        .client
        .get(app.url("/c/secguild"))
        .header("accept", AP)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(AP)
    );
    let group: Value = res.json().await.unwrap();
    let id = format!("{}/c/secguild", app.base);
    assert_eq!(group["type"], "Group");
    assert_eq!(group["id"], id);
    assert_eq!(group["preferredUsername"], "secguild");
    assert_eq!(group["name"], "Security Guild");
    assert_eq!(group["summary"], "<p>We <strong>share</strong>.</p>\n");
    assert_eq!(
        group["source"],
        json!({"content": "We **share**.", "mediaType": "text/markdown"})
    );
    for (key, part) in [
        ("inbox", "inbox"),
        ("outbox", "outbox"),
        ("followers", "followers"),
        ("featured", "featured"),
        ("attributedTo", "moderators"),
    ] {
        assert_eq!(group[key], format!("{id}/{part}"), "{key}");
    }
    assert_eq!(
        group["endpoints"]["sharedInbox"],
        format!("{}/inbox", app.base)
    );
    assert_eq!(group["publicKey"]["owner"], id);
    assert_eq!(group["publicKey"]["id"], format!("{id}#main-key"));
    assert!(
        group["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    assert_eq!(group["manuallyApprovesFollowers"], false);
    assert_eq!(group["discoverable"], true);
    assert_eq!(group["postingRestrictedToMods"], false);
    assert_eq!(group["webfinger"], format!("secguild@{}", app.domain));

    let context = group["@context"].as_array().unwrap();
    assert_eq!(context[0], "https://www.w3.org/ns/activitystreams");
    assert_eq!(context[2]["charter"]["@id"], "guildhall:charter");
    assert_eq!(context[2]["guildhall"], "https://w3id.org/guildhall#");

    let charter = &group["charter"];
    let sample = sample_charter();
    assert_eq!(charter["purpose"], sample.purpose);
    assert_eq!(
        charter["audienceRationale"],
        json!(sample.audience_rationale)
    );
    assert_eq!(charter["coreTeam"], json!(sample.core_team));
    assert_eq!(charter["practices"][0]["cadence"], "fortnightly");
    assert_eq!(
        charter["contentLinks"][0]["href"],
        "https://wiki.example/secguild"
    );
    assert_eq!(charter["stage"], "active");
    assert_eq!(charter["languages"], json!(["en", "pt-BR"]));

    let fields: Vec<(String, String)> = group["attachment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["type"], "PropertyValue");
            (
                f["name"].as_str().unwrap().into(),
                f["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Domain", "Purpose", "Meets", "For"]);
    assert_eq!(fields[0].1, "Application security");
    assert!(fields[2].1.contains("Every second Tuesday"));

    let (status, ld) = app
        .get_json(
            "/c/secguild",
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ld["id"], id);

    let res = app
        .client
        .get(app.url("/c/secguild"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("<h1>Security Guild</h1>"));
    assert!(page.contains("Raise the security bar across product teams"));
    assert!(page.contains("Threat modelling clinic"));
}

#[tokio::test]
async fn person_and_instance_actors_have_keys_and_inboxes() {
    let app = app_with_community().await;
    let (status, person) = app.get_json("/u/alice", AP).await;
    assert_eq!(status, 200);
    assert_eq!(person["type"], "Person");
    assert_eq!(person["id"], format!("{}/u/alice", app.base));
    assert_eq!(person["inbox"], format!("{}/u/alice/inbox", app.base));
    assert_eq!(person["publicKey"]["owner"], person["id"]);

    let (status, instance) = app.get_json("/actor", AP).await;
    assert_eq!(status, 200);
    assert_eq!(instance["type"], "Application");
    assert_eq!(instance["id"], format!("{}/actor", app.base));
    assert_eq!(instance["publicKey"]["owner"], instance["id"]);

    assert_eq!(app.get_json("/u/nobody", AP).await.0, 404);
    assert_eq!(app.get_json("/c/nothing", AP).await.0, 404);
}

#[tokio::test]
async fn group_collections_list_moderators_and_count_followers() {
    let app = app_with_community().await;
    let (_, moderators) = app.get_json("/c/secguild/moderators", AP).await;
    assert_eq!(moderators["type"], "OrderedCollection");
    assert_eq!(
        moderators["orderedItems"],
        json!([format!("{}/u/alice", app.base)])
    );
    let (_, followers) = app.get_json("/c/secguild/followers", AP).await;
    assert_eq!(followers["totalItems"], 0);
    for part in ["outbox", "featured"] {
        let (status, collection) = app.get_json(&format!("/c/secguild/{part}"), AP).await;
        assert_eq!(status, 200);
        assert_eq!(collection["id"], format!("{}/c/secguild/{part}", app.base));
        assert_eq!(collection["totalItems"], 0);
    }
    assert_eq!(app.get_json("/c/secguild/secrets", AP).await.0, 404);
}

#[tokio::test]
async fn nodeinfo_reports_software_users_and_communities() {
    let app = app_with_community().await;
    let (_, links) = app
        .get_json("/.well-known/nodeinfo", "application/json")
        .await;
    assert_eq!(
        links["links"][0]["rel"],
        "http://nodeinfo.diaspora.software/ns/schema/2.1"
    );
    assert_eq!(
        links["links"][0]["href"],
        format!("{}/nodeinfo/2.1", app.base)
    );
    let (_, info) = app.get_json("/nodeinfo/2.1", "application/json").await;
    assert_eq!(info["version"], "2.1");
    assert_eq!(info["software"]["name"], "guildhall");
    assert_eq!(info["protocols"], json!(["activitypub"]));
    assert_eq!(info["usage"]["users"]["total"], 1);
    assert_eq!(info["metadata"]["communities"], 1);
}

#[tokio::test]
async fn the_group_outbox_announces_its_newest_posts_as_lemmy_reads_them() {
    let app = app_with_community().await;
    let token = app
        .anonymous()
        .sign_in("alice", "correct horse battery")
        .await
        .unwrap()
        .token;
    let post = app
        .api(&token)
        .create_post("secguild", &titled("Outboxed", "hi"))
        .await
        .unwrap();
    let (status, outbox) = app.get_json("/c/secguild/outbox", AP).await;
    assert_eq!(status, 200);
    assert_eq!(outbox["type"], "OrderedCollection");
    assert_eq!(outbox["totalItems"], 1);
    let announce = &outbox["orderedItems"][0];
    assert_eq!(announce["type"], "Announce");
    assert_eq!(announce["actor"], format!("{}/c/secguild", app.base));
    assert_eq!(announce["object"]["type"], "Create");
    assert_eq!(announce["object"]["actor"], format!("{}/u/alice", app.base));
    assert_eq!(announce["object"]["object"]["id"], post.ap_id);
    assert_eq!(announce["object"]["object"]["name"], "Outboxed");
    // It reads back into our own wire types, as a peer's parser would.
    let parsed: guildhall::protocol::collection::Collection<
        guildhall::protocol::activity::AnyActivity,
    > = serde_json::from_value(outbox).unwrap();
    assert_eq!(parsed.entries().len(), 1);
}
