//! The directory on one instance: what it lists, how it ranks, its filters
//! and "like this one", its answers to bad input, and the public
//! collection other servers page through.

use crate::{
    client::{Refused, named, untitled},
    common::TestApp,
};
use guildhall::{
    api::communities::{CreateCommunity, UpdateCommunity},
    domain::{
        charter::{Charter, Practice, Stage},
        community::Visibility,
    },
};

fn charter(purpose: &str) -> Charter {
    Charter {
        purpose: purpose.to_string(),
        languages: vec!["en".into()],
        ..Charter::default()
    }
}

fn community(name: &str, title: &str, charter: Charter) -> CreateCommunity {
    CreateCommunity {
        title: Some(title.to_string()),
        charter: Some(charter),
        ..named(name)
    }
}

#[tokio::test]
async fn words_in_a_purpose_rank_above_a_title_with_a_similar_word() {
    let app = TestApp::spawn().await;
    let api = app.api(&app.user("root", true).await);
    api.create_community(&community(
        "models",
        "Threat Models Club",
        charter("Monthly meetups about cryptography and key management"),
    ))
    .await
    .unwrap();
    api.create_community(&community(
        "appsec",
        "Application security",
        charter("Threat modelling of every design before it ships"),
    ))
    .await
    .unwrap();
    api.create_community(&community("gardening", "Gardening", charter("Tomatoes")))
        .await
        .unwrap();

    let found = app
        .anonymous()
        .directory(&[("q", "threat modelling")])
        .await
        .unwrap();
    let handles: Vec<&str> = found.items.iter().map(|e| e.handle.as_str()).collect();
    assert_eq!(
        handles,
        vec![
            format!("appsec@{}", app.domain),
            format!("models@{}", app.domain)
        ],
        "the purpose outranks the title; the gardeners do not match"
    );
    assert!(found.items[0].rank > found.items[1].rank);
    let entry = &found.items[0];
    assert_eq!(entry.mastodon_handle, format!("@appsec@{}", app.domain));
    assert_eq!(
        entry.follow,
        format!("/api/v1/communities/appsec@{}/follow", app.domain)
    );
    assert!(entry.local);
    assert_eq!(
        entry.charter.purpose,
        "Threat modelling of every design before it ships"
    );
    assert_eq!(entry.charter_version, 1);
}

#[tokio::test]
async fn unlisted_communities_stay_out_and_changes_are_searchable_at_once() {
    let app = TestApp::spawn().await;
    let api = app.api(&app.user("root", true).await);
    api.create_community(&CreateCommunity {
        visibility: Visibility::Unlisted,
        ..community("hidden", "Hidden", charter("Secret gardening"))
    })
    .await
    .unwrap();
    api.create_community(&community("open", "Open", charter("Public tomatoes")))
        .await
        .unwrap();
    let all = app.anonymous().directory(&[]).await.unwrap();
    assert_eq!(all.items.len(), 1);
    assert_eq!(all.items[0].handle, format!("open@{}", app.domain));

    api.put_charter("open", &charter("Threat modelling for growers"))
        .await
        .unwrap();
    let found = app
        .anonymous()
        .directory(&[("q", "threat modelling")])
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].charter_version, 2);

    api.update_community(
        "open",
        &UpdateCommunity {
            visibility: Some(Visibility::Unlisted),
            ..UpdateCommunity::default()
        },
    )
    .await
    .unwrap();
    assert!(
        app.anonymous()
            .directory(&[])
            .await
            .unwrap()
            .items
            .is_empty()
    );
    api.update_community(
        "hidden",
        &UpdateCommunity {
            visibility: Some(Visibility::Public),
            ..UpdateCommunity::default()
        },
    )
    .await
    .unwrap();
    let listed = app.anonymous().directory(&[]).await.unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].title, "Hidden");
}

#[tokio::test]
async fn filters_match_topics_stages_organisations_languages_and_cadence() {
    let app = TestApp::spawn().await;
    let api = app.api(&app.user("root", true).await);
    let weekly_online = Charter {
        topics: vec!["Rust".into(), "WebAssembly".into()],
        stage: Some(Stage::Active),
        organisations: vec!["Example Corp".into()],
        languages: vec!["pt-BR".into()],
        practices: vec![Practice {
            name: "Pairing".into(),
            cadence: Some("every Thursday".into()),
            r#where: Some("https://video.example/rust".into()),
            ..Practice::default()
        }],
        ..charter("Learn Rust together")
    };
    let monthly_room = Charter {
        topics: vec!["Rust".into()],
        stage: Some(Stage::Forming),
        organisations: vec!["Other Org".into()],
        practices: vec![Practice {
            name: "Meetup".into(),
            cadence: Some("monthly".into()),
            r#where: Some("Room 4".into()),
            ..Practice::default()
        }],
        ..charter("Rust meetups in the office")
    };
    api.create_community(&community("rustweb", "Rust on the web", weekly_online))
        .await
        .unwrap();
    api.create_community(&community("rustoffice", "Rust office", monthly_room))
        .await
        .unwrap();
    let names = |params: &'static [(&'static str, &'static str)]| {
        let anonymous = app.anonymous();
        async move {
            let page = anonymous.directory(params).await.unwrap();
            let mut titles: Vec<String> = page.items.into_iter().map(|e| e.title).collect();
            titles.sort();
            titles
        }
    };
    assert_eq!(names(&[("topic", "rust")]).await.len(), 2);
    assert_eq!(
        names(&[("topic", "webassembly")]).await,
        ["Rust on the web"]
    );
    assert_eq!(names(&[("stage", "forming")]).await, ["Rust office"]);
    assert_eq!(names(&[("org", "example corp")]).await, ["Rust on the web"]);
    assert_eq!(names(&[("lang", "pt")]).await, ["Rust on the web"]);
    assert_eq!(names(&[("lang", "pt-BR")]).await, ["Rust on the web"]);
    assert_eq!(names(&[("cadence", "weekly")]).await, ["Rust on the web"]);
    assert_eq!(
        names(&[("cadence", "online-only")]).await,
        ["Rust on the web"]
    );
    assert_eq!(names(&[("cadence", "monthly")]).await, ["Rust office"]);
    assert!(
        names(&[("topic", "rust"), ("stage", "dormant")])
            .await
            .is_empty()
    );

    let like = app
        .anonymous()
        .directory(&[("like", "rustweb")])
        .await
        .unwrap();
    assert_eq!(like.items.len(), 1, "communities like this one, not itself");
    assert_eq!(like.items[0].title, "Rust office");
}

#[tokio::test]
async fn like_this_one_follows_charter_edits_and_removals() {
    let app = TestApp::spawn().await;
    let api = app.api(&app.user("root", true).await);
    let with_topics = |purpose: &str, topics: &[&str]| Charter {
        topics: topics.iter().map(|t| t.to_string()).collect(),
        ..charter(purpose)
    };
    for (name, charter) in [
        (
            "source",
            with_topics("Threat modelling for web teams", &["security", "web"]),
        ),
        (
            "near",
            with_topics("Threat modelling workshops", &["security"]),
        ),
        ("far", with_topics("Growing tomatoes", &["gardening"])),
    ] {
        api.create_community(&community(name, name, charter))
            .await
            .unwrap();
    }
    let like = |handle: &'static str| {
        let anonymous = app.anonymous();
        async move {
            let page = anonymous.directory(&[("like", handle)]).await.unwrap();
            page.items.into_iter().map(|e| e.title).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        like("source").await,
        ["near"],
        "the gardeners share nothing"
    );

    api.put_charter(
        "far",
        &with_topics(
            "Threat modelling for web teams, weekly",
            &["security", "web"],
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        like("source").await,
        ["far", "near"],
        "the edit counts at once"
    );
    assert_eq!(like("near").await, ["source", "far"]);

    let state = app.state().await;
    guildhall::services::community_admin::delete(&state, "far")
        .await
        .unwrap();
    assert_eq!(like("source").await, ["near"]);
    assert_eq!(app.count("directory_neighbours").await, 2);
}

#[tokio::test]
async fn bad_queries_get_clear_refusals_and_pages_past_the_end_are_empty() {
    let app = TestApp::spawn().await;
    let api = app.api(&app.user("root", true).await);
    for i in 0..21 {
        api.create_community(&community(
            &format!("c{i:02}"),
            &format!("Community {i:02}"),
            charter("Tomatoes"),
        ))
        .await
        .unwrap();
    }
    let anonymous = app.anonymous();
    let first = anonymous.directory(&[("q", "tomatoes")]).await.unwrap();
    assert_eq!(first.items.len(), 20);
    assert_eq!(first.next.as_deref(), Some("2"));
    let second = anonymous
        .directory(&[("q", "tomatoes"), ("page", "2")])
        .await
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.next, None);
    let past = anonymous.directory(&[("page", "99")]).await.unwrap();
    assert!(past.items.is_empty() && past.next.is_none());

    let long = "x".repeat(201);
    for (params, field) in [
        (vec![("stage", "sleeping")], "stage"),
        (vec![("cadence", "daily")], "cadence"),
        (vec![("lang", "<script>")], "lang"),
        (vec![("page", "0")], "page"),
        (vec![("page", "two")], "page"),
        (vec![("q", long.as_str())], "q"),
    ] {
        let refused = anonymous.directory(&params).await.refused();
        assert_eq!(refused.status, 422, "{params:?}");
        assert_eq!(refused.field.as_deref(), Some(field));
    }
    let unknown = anonymous.directory(&[("like", "nobody")]).await.refused();
    assert_eq!(unknown.status, 404);
    // Search syntax that PostgreSQL might choke on is just words.
    for q in ["\"unclosed", "a & | ! b", "-", "(((", "'"] {
        anonymous.directory(&[("q", q)]).await.unwrap();
    }
}

#[tokio::test]
async fn the_directory_collection_pages_through_listed_communities_with_charters() {
    let app = TestApp::spawn().await;
    let api = app.api(&app.user("root", true).await);
    api.create_community(&community("appsec", "AppSec", charter("Threat modelling")))
        .await
        .unwrap();
    api.create_community(&CreateCommunity {
        visibility: Visibility::Unlisted,
        ..community("hidden", "Hidden", charter("Secret"))
    })
    .await
    .unwrap();
    let get = |path: &'static str| {
        let client = app.client.clone();
        let url = app.url(path);
        async move {
            let res = client
                .get(url)
                .header("accept", "application/activity+json")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{path}");
            res.json::<serde_json::Value>().await.unwrap()
        }
    };
    let collection = get("/directory").await;
    assert_eq!(collection["type"], "OrderedCollection");
    assert_eq!(collection["totalItems"], 1);
    assert_eq!(
        collection["first"],
        format!("{}/directory?page=1", app.base)
    );
    let page = get("/directory?page=1").await;
    assert_eq!(page["type"], "OrderedCollectionPage");
    let items = page["orderedItems"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["type"], "Group");
    assert_eq!(items[0]["charter"]["purpose"], "Threat modelling");
    assert_eq!(items[0]["listing"]["charterVersion"], 1);
    assert!(page.get("next").is_none());

    // Only the post we write (no milestone post by the community).
    api.update_community("appsec", &crate::common::no_milestones())
        .await
        .unwrap();
    api.create_post("appsec", &untitled("Hello")).await.unwrap();
    let nodeinfo = get("/nodeinfo/2.1").await;
    assert_eq!(nodeinfo["usage"]["users"]["total"], 1);
    assert_eq!(nodeinfo["usage"]["users"]["activeMonth"], 1);
    assert_eq!(nodeinfo["usage"]["localPosts"], 1);
    assert_eq!(nodeinfo["usage"]["localComments"], 0);
    assert_eq!(nodeinfo["metadata"]["events"], 0);
    assert_eq!(nodeinfo["metadata"]["communities"], 2);
    assert_eq!(
        nodeinfo["metadata"]["directory"],
        format!("{}/directory", app.base)
    );
    let actor = get("/actor").await;
    assert_eq!(actor["directory"], format!("{}/directory", app.base));
}

#[tokio::test]
async fn a_community_an_admin_deletes_leaves_the_directory() {
    let app = TestApp::spawn().await;
    let api = app.api(&app.user("root", true).await);
    api.create_community(&community("doomed", "Doomed", charter("Short-lived")))
        .await
        .unwrap();
    assert_eq!(app.anonymous().directory(&[]).await.unwrap().items.len(), 1);
    let state = app.state().await;
    guildhall::services::community_admin::delete(&state, "doomed")
        .await
        .unwrap();
    assert!(
        app.anonymous()
            .directory(&[])
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(app.count("directory_entries").await, 0);
}
