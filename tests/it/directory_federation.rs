//! The directory across instances: partners' instance actors follow each
//! other, a new partner reads the other's directory collection, charter
//! changes and new or unlisted communities flow as `Create`/`Update{Group}`
//! and `Delete`, unlinking removes and stops them; and forgeries (a
//! partner listing another host's community, a stranger listing anything)
//! change nothing.

use crate::{
    client::{Api, named},
    common::{TestApp, settle},
    fake_peer::FakePeer,
};
use guildhall::{
    api::communities::{CreateCommunity, UpdateCommunity},
    domain::{charter::Charter, community::Visibility},
};
use serde_json::json;

fn listed(name: &str, purpose: &str) -> CreateCommunity {
    CreateCommunity {
        title: Some(format!("The {name} guild")),
        charter: Some(Charter {
            purpose: purpose.to_string(),
            topics: vec![name.to_string()],
            languages: vec!["en".into()],
            ..Charter::default()
        }),
        ..named(name)
    }
}

/// Makes the local community `name` unlisted.
async fn unlist(api: &Api, name: &str) {
    let changes = UpdateCommunity {
        visibility: Some(Visibility::Unlisted),
        ..UpdateCommunity::default()
    };
    api.update_community(name, &changes).await.unwrap();
}

async fn handles(api: &Api, params: &[(&str, &str)]) -> Vec<String> {
    let mut handles: Vec<String> = api
        .directory(params)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.handle)
        .collect();
    handles.sort();
    handles
}

#[tokio::test]
async fn partners_list_each_others_public_communities_and_unlinking_stops_the_flow() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let gamma = TestApp::spawn_named("gamma").await;
    let alpha_root = alpha.api(&alpha.user("root", true).await);
    let beta_root = beta.api(&beta.user("root", true).await);
    let gamma_root = gamma.api(&gamma.user("root", true).await);
    for name in ["crypto", "gardening", "cooking"] {
        beta_root
            .create_community(&listed(name, &format!("All about {name}")))
            .await
            .unwrap();
    }
    beta_root
        .create_community(&CreateCommunity {
            visibility: Visibility::Unlisted,
            ..listed("secret", "Hidden things")
        })
        .await
        .unwrap();
    gamma_root
        .create_community(&listed("stranger", "Not a partner's"))
        .await
        .unwrap();
    settle(&[&alpha, &beta, &gamma]).await;

    let link = alpha_root.partner(&beta.domain, true).await.unwrap();
    assert_eq!(link.policy, "partner");
    assert_eq!(link.following, "pending");
    settle(&[&alpha, &beta, &gamma]).await;

    let b = &beta.domain;
    let anonymous = alpha.anonymous();
    assert_eq!(
        handles(&anonymous, &[]).await,
        vec![
            format!("cooking@{b}"),
            format!("crypto@{b}"),
            format!("gardening@{b}")
        ],
        "beta's public communities, not its unlisted one, not gamma's"
    );
    let entry = anonymous
        .directory(&[("q", "crypto")])
        .await
        .unwrap()
        .items
        .remove(0);
    assert!(!entry.local && !entry.stale);
    assert_eq!(entry.charter.purpose, "All about crypto");
    assert_eq!(entry.mastodon_handle, format!("@crypto@{b}"));
    // The entry's handle takes a reader on alpha straight to a follow.
    let reader = alpha.api(&alpha.user("reader", false).await);
    assert_eq!(
        entry.follow,
        format!("/api/v1/communities/{}/follow", entry.handle)
    );
    reader.follow(&entry.handle).await.unwrap();
    settle(&[&alpha, &beta, &gamma]).await;
    assert_eq!(
        reader.community(&entry.handle).await.unwrap().follow_state,
        guildhall::domain::community::Membership::Accepted
    );

    // A charter edit on beta reaches alpha's search.
    beta_root
        .put_charter(
            "gardening",
            &Charter {
                purpose: "Threat modelling for greenhouses".into(),
                ..Charter::default()
            },
        )
        .await
        .unwrap();
    // A new public community is announced; one made unlisted leaves.
    beta_root
        .create_community(&listed("baking", "Bread"))
        .await
        .unwrap();
    unlist(&beta_root, "cooking").await;
    settle(&[&alpha, &beta, &gamma]).await;
    let found = anonymous
        .directory(&[("q", "threat modelling")])
        .await
        .unwrap()
        .items;
    assert_eq!(found[0].handle, format!("gardening@{b}"));
    assert_eq!(found[0].charter_version, 2);
    assert_eq!(
        handles(&anonymous, &[]).await,
        vec![
            format!("baking@{b}"),
            format!("crypto@{b}"),
            format!("gardening@{b}")
        ]
    );

    // Beta did not link alpha: it takes nothing from alpha.
    alpha_root
        .create_community(&listed("appsec", "Secure by design"))
        .await
        .unwrap();
    settle(&[&alpha, &beta, &gamma]).await;
    assert!(
        handles(&beta.anonymous(), &[])
            .await
            .iter()
            .all(|h| !h.ends_with(&alpha.domain)),
        "beta has not linked alpha: it takes nothing from it"
    );

    let unlinked = alpha_root.partner(&beta.domain, false).await.unwrap();
    assert_eq!(unlinked.policy, "none");
    assert_eq!(unlinked.following, "none");
    settle(&[&alpha, &beta, &gamma]).await;
    assert_eq!(
        handles(&anonymous, &[]).await,
        vec![format!("appsec@{}", alpha.domain)],
        "beta's entries are gone"
    );
    beta_root
        .put_charter(
            "crypto",
            &Charter {
                purpose: "Changed after the partnership ended".into(),
                ..Charter::default()
            },
        )
        .await
        .unwrap();
    beta_root
        .create_community(&listed("late", "After the end"))
        .await
        .unwrap();
    settle(&[&alpha, &beta, &gamma]).await;
    assert_eq!(
        handles(&anonymous, &[]).await,
        vec![format!("appsec@{}", alpha.domain)],
        "nothing flows any more"
    );
}

#[tokio::test]
async fn a_partner_linked_later_reads_the_whole_directory() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let alpha_root = alpha.api(&alpha.user("root", true).await);
    let beta_root = beta.api(&beta.user("root", true).await);
    // More than one page of the collection (50 a page).
    for i in 0..51 {
        alpha_root
            .create_community(&listed(&format!("c{i:02}"), &format!("Topic number {i}")))
            .await
            .unwrap();
    }
    beta_root.partner(&alpha.domain, true).await.unwrap();
    settle(&[&alpha, &beta]).await;
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let p = beta
            .anonymous()
            .directory(&[("page", &page.to_string())])
            .await
            .unwrap();
        all.extend(p.items);
        match p.next {
            Some(_) => page += 1,
            None => break,
        }
    }
    assert_eq!(all.len(), 51);
    assert!(all.iter().all(|e| e.host == "alpha.test" && !e.local));
    // Alpha accepted beta's follow at once (the default), and beta is now
    // told of alpha's changes.
    alpha_root
        .put_charter(
            "c07",
            &Charter {
                purpose: "Stroopwafel engineering".into(),
                ..Charter::default()
            },
        )
        .await
        .unwrap();
    settle(&[&alpha, &beta]).await;
    let found = beta
        .anonymous()
        .directory(&[("q", "stroopwafel")])
        .await
        .unwrap()
        .items;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].handle, format!("c07@{}", alpha.domain));
}

#[tokio::test]
async fn with_approval_a_partner_request_waits_for_the_admin() {
    let alpha =
        TestApp::spawn_named_with("alpha", |s| s.partner_requests_need_approval = true).await;
    let beta = TestApp::spawn_named("beta").await;
    let alpha_root = alpha.api(&alpha.user("root", true).await);
    let beta_root = beta.api(&beta.user("root", true).await);
    alpha_root
        .create_community(&listed("appsec", "Secure by design"))
        .await
        .unwrap();
    beta_root.partner(&alpha.domain, true).await.unwrap();
    settle(&[&alpha, &beta]).await;
    assert!(
        beta.anonymous()
            .directory(&[])
            .await
            .unwrap()
            .items
            .is_empty(),
        "alpha has not approved beta yet"
    );
    let link = alpha_root.partner(&beta.domain, true).await.unwrap();
    assert_eq!(
        link.followed_by, "accepted",
        "linking beta approves its request"
    );
    settle(&[&alpha, &beta]).await;
    assert_eq!(
        handles(&beta.anonymous(), &[]).await,
        vec![format!("appsec@{}", alpha.domain)]
    );
}

/// A fake instance whose instance actor is `/actor`, and that actor's id.
async fn fake_instance(name: &str) -> (FakePeer, String) {
    let peer = FakePeer::start(name, "guildhall").await;
    let actor = peer.actor("actor", "Application");
    (peer, actor)
}

fn group(id: &str, purpose: &str) -> serde_json::Value {
    json!({
        "type": "Group", "id": id, "preferredUsername": id.rsplit('/').next().unwrap(),
        "name": "Forged", "inbox": format!("{id}/inbox"),
        "charter": {"purpose": purpose}
    })
}

#[tokio::test]
async fn partners_list_only_their_own_communities_and_strangers_list_nothing() {
    let alpha = TestApp::spawn_named("alpha").await;
    let gamma = TestApp::spawn_named("gamma").await;
    let alpha_root = alpha.api(&alpha.user("root", true).await);
    let (mallory, mallory_actor) = fake_instance("mallory").await;
    let (eve, eve_actor) = fake_instance("eve").await;
    let inbox = format!("{}/actor/inbox", alpha.base);

    let mallory_domain = mallory.base.trim_start_matches("http://").to_string();
    let link = alpha_root.partner(&mallory_domain, true).await.unwrap();
    assert_eq!(link.following, "pending");
    settle(&[&alpha]).await;
    let follow = mallory.received("Follow").remove(0);
    assert_eq!(follow["object"], mallory_actor);
    let accept = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Accept", "id": format!("{mallory_actor}/accept/1"), "actor": mallory_actor,
        "object": {"type": "Follow", "id": follow["id"], "actor": follow["actor"], "object": mallory_actor}
    });
    assert_eq!(mallory.deliver(&mallory_actor, &inbox, &accept).await, 202);
    settle(&[&alpha]).await;

    let create = |n: u32, actor: &str, group: serde_json::Value| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Create", "id": format!("{actor}/create/{n}"), "actor": actor,
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "object": group
        })
    };
    // A partner announcing a community of another host (gamma's, and one
    // on a host alpha never heard of).
    let on_gamma = format!("{}/c/stolen", gamma.base);
    let forged = create(1, &mallory_actor, group(&on_gamma, "Stolen"));
    assert_eq!(mallory.deliver(&mallory_actor, &inbox, &forged).await, 202);
    // Its own community with an oversized charter.
    let oversized = create(
        2,
        &mallory_actor,
        group(&format!("{}/c/big", mallory.base), &"x".repeat(5000)),
    );
    assert_eq!(
        mallory.deliver(&mallory_actor, &inbox, &oversized).await,
        202
    );
    // Its own community whose inbox is elsewhere.
    let mut elsewhere = group(&format!("{}/c/elsewhere", mallory.base), "Elsewhere");
    elsewhere["inbox"] = json!(format!("{}/inbox", gamma.base));
    let elsewhere = create(6, &mallory_actor, elsewhere);
    assert_eq!(
        mallory.deliver(&mallory_actor, &inbox, &elsewhere).await,
        202
    );
    // A stranger listing its own community.
    let stranger = create(
        3,
        &eve_actor,
        group(&format!("{}/c/eves", eve.base), "Eve's"),
    );
    assert_eq!(eve.deliver(&eve_actor, &inbox, &stranger).await, 202);
    settle(&[&alpha]).await;
    assert_eq!(
        alpha.count("directory_entries").await,
        0,
        "nothing was listed"
    );

    // The partner's own community, well formed, is taken: the checks above
    // refused what they should and nothing else.
    let own = create(
        4,
        &mallory_actor,
        group(&format!("{}/c/real", mallory.base), "Real"),
    );
    assert_eq!(mallory.deliver(&mallory_actor, &inbox, &own).await, 202);
    settle(&[&alpha]).await;
    assert_eq!(
        handles(&alpha.anonymous(), &[]).await,
        vec![format!("real@{mallory_domain}")]
    );
    // A partner not heard from for `directory_stale_days` is marked stale.
    let state = alpha.state().await;
    let mut conn = state.pool.get().await.unwrap();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE instances SET directory_seen_at = now() - interval '31 days',
                last_success_at = now() - interval '31 days' WHERE domain = 'mallory.test'",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    drop(conn);
    let entries = alpha.anonymous().directory(&[]).await.unwrap().items;
    assert!(entries[0].stale, "listed still, marked stale");
    // A stranger cannot delete it either; its partner can.
    let delete = |n: u32, actor: &str| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Delete", "id": format!("{actor}/delete/{n}"), "actor": actor,
            "object": format!("{}/c/real", mallory.base)
        })
    };
    assert_eq!(
        eve.deliver(&eve_actor, &inbox, &delete(1, &eve_actor))
            .await,
        202
    );
    settle(&[&alpha]).await;
    assert_eq!(alpha.count("directory_entries").await, 1);
    assert_eq!(
        mallory
            .deliver(&mallory_actor, &inbox, &delete(2, &mallory_actor))
            .await,
        202
    );
    settle(&[&alpha]).await;
    assert_eq!(alpha.count("directory_entries").await, 0);
    // A replay of the listing (same id) is not taken again.
    assert_eq!(mallory.deliver(&mallory_actor, &inbox, &own).await, 202);
    settle(&[&alpha]).await;
    assert_eq!(
        alpha.count("directory_entries").await,
        0,
        "a replay lists nothing"
    );

    // Once blocked, the partner is refused at the inbox.
    alpha_root
        .admin_domain("blocks", "mallory.test", true)
        .await
        .unwrap();
    let again = create(
        5,
        &mallory_actor,
        group(&format!("{}/c/again", mallory.base), "Again"),
    );
    assert_eq!(mallory.deliver(&mallory_actor, &inbox, &again).await, 403);
    settle(&[&alpha]).await;
    assert_eq!(alpha.count("directory_entries").await, 0);
}

#[tokio::test]
async fn the_admin_command_links_and_unlinks_a_partner() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named("beta").await;
    let beta_root = beta.api(&beta.user("root", true).await);
    beta_root
        .create_community(&listed("crypto", "All about crypto"))
        .await
        .unwrap();
    // The command runs beside the instances (which serve on this test's
    // runtime), as an admin runs it beside the server.
    let cli = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let (db, domain) = (alpha.db.url.clone(), alpha.domain.clone());
        tokio::task::spawn_blocking(move || {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_guildhall"))
                .args(&args)
                .env_remove("DATABASE_URL")
                .env("GUILDHALL_DATABASE_URL", db)
                .env("GUILDHALL_DEV", "1")
                .env("GUILDHALL_DOMAIN", domain)
                .env("GUILDHALL_LOG", "warn")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        })
    };
    let added = cli(&["admin", "partner", "add", &beta.domain])
        .await
        .unwrap();
    assert_eq!(
        added.trim(),
        "added partner beta.test (our follow of its instance actor: pending)"
    );
    // The running instance delivers what the command queued.
    settle(&[&alpha, &beta]).await;
    assert_eq!(
        handles(&alpha.anonymous(), &[]).await,
        vec![format!("crypto@{}", beta.domain)]
    );
    let removed = cli(&["admin", "partner", "remove", "beta.test"])
        .await
        .unwrap();
    assert_eq!(removed.trim(), "removed partner beta.test");
    settle(&[&alpha, &beta]).await;
    assert!(
        alpha
            .anonymous()
            .directory(&[])
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn a_partner_that_shares_passes_on_its_partners_communities_but_never_blocked_ones() {
    let alpha = TestApp::spawn_named("alpha").await;
    let beta = TestApp::spawn_named_with("beta", |s| s.directory_share_partners = true).await;
    let gamma = TestApp::spawn_named("gamma").await;
    let delta = TestApp::spawn_named("delta").await;
    let alpha_root = alpha.api(&alpha.user("root", true).await);
    let beta_root = beta.api(&beta.user("root", true).await);
    let gamma_root = gamma.api(&gamma.user("root", true).await);
    let delta_root = delta.api(&delta.user("root", true).await);
    beta_root
        .create_community(&listed("crypto", "Beta's own"))
        .await
        .unwrap();
    for name in ["birds", "trains"] {
        gamma_root
            .create_community(&listed(name, "Gamma's"))
            .await
            .unwrap();
    }
    delta_root
        .create_community(&listed("spam", "Delta's"))
        .await
        .unwrap();
    alpha_root
        .admin_domain("blocks", "delta.test", true)
        .await
        .unwrap();
    alpha_root.partner(&beta.domain, true).await.unwrap();
    settle(&[&alpha, &beta, &gamma, &delta]).await;
    beta_root.partner(&gamma.domain, true).await.unwrap();
    beta_root.partner(&delta.domain, true).await.unwrap();
    settle(&[&alpha, &beta, &gamma, &delta]).await;

    let entries = alpha.anonymous().directory(&[]).await.unwrap().items;
    let mut seen: Vec<(String, Option<String>)> =
        entries.into_iter().map(|e| (e.handle, e.via)).collect();
    seen.sort();
    let (b, g) = (&beta.domain, &gamma.domain);
    assert_eq!(
        seen,
        vec![
            (format!("birds@{g}"), Some("beta.test".to_string())),
            (format!("crypto@{b}"), None),
            (format!("trains@{g}"), Some("beta.test".to_string())),
        ],
        "gamma's second-hand through beta; delta's never (blocked here)"
    );

    // Gamma unlists one: beta passes it on, alpha checks it at gamma.
    unlist(&gamma_root, "trains").await;
    settle(&[&alpha, &beta, &gamma, &delta]).await;
    assert_eq!(
        handles(&alpha.anonymous(), &[]).await,
        vec![format!("birds@{g}"), format!("crypto@{b}")]
    );
    // Unlinking beta removes what came through it too.
    alpha_root.partner(&beta.domain, false).await.unwrap();
    settle(&[&alpha, &beta, &gamma, &delta]).await;
    assert!(
        alpha
            .anonymous()
            .directory(&[])
            .await
            .unwrap()
            .items
            .is_empty()
    );
}
