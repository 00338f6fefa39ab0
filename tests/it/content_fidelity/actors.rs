//! Actors without `preferredUsername` (bovine, Fedify and the
//! specification's examples leave it out) follow, post, and are shown by
//! their `name`, else by the last segment of their id.

use super::{follow, mention, toot};
use crate::fake_peer::FakePeer;
use serde_json::Value;

/// An actor on `peer` at `path` whose document has no `preferredUsername`
/// (and no `name` when `name` is `None`). No fixture has a bovine actor:
/// this is the fake peer's actor with those fields taken out.
fn nameless(peer: &FakePeer, path: &str, name: Option<&str>) -> String {
    let id = peer.actor(path, "Person");
    let mut document = peer.actor_document(&id);
    let fields = document.as_object_mut().unwrap();
    fields.remove("preferredUsername");
    match name {
        Some(name) => fields.insert("name".into(), Value::from(name)),
        None => fields.remove("name"),
    };
    peer.put(&format!("/{path}"), &document);
    id
}

#[tokio::test]
async fn an_actor_without_a_user_name_follows_posts_and_is_shown_by_a_sensible_name() {
    let (alpha, _, group) = super::alpha_with_secguild().await;
    let inbox = format!("{group}/inbox");
    let peer = FakePeer::start("bovine", "bovine").await;
    let ada = nameless(&peer, "endpoints/Xa3kq9", Some("Ada Lovelace"));
    let anon = nameless(&peer, "endpoints/Qm7vT2", None);

    for (n, actor) in [&ada, &anon].into_iter().enumerate() {
        let follow = follow(actor, &group, &format!("{actor}/follow/{n}"));
        assert_eq!(peer.deliver(actor, &inbox, &follow).await, 202);
        let content = format!("<p>{} Hello from bovine {n}</p>", mention(&group));
        let toot = toot(actor, &group, n as u32, &content);
        assert_eq!(peer.deliver(actor, &inbox, &toot).await, 202);
    }
    alpha.settle().await;
    assert_eq!(
        peer.received("Accept").len(),
        2,
        "both follows are accepted"
    );
    assert_eq!(super::members(&alpha).await, 2);

    let posts = alpha.anonymous().posts("secguild").await.unwrap().items;
    let by = |actor: &str| posts.iter().find(|p| p.author == actor).unwrap();
    assert_eq!(by(&ada).author_name, "Ada Lovelace");
    assert_eq!(
        by(&anon).author_name,
        "Qm7vT2",
        "the last segment of its id"
    );
    let html = super::page(&alpha, "/c/secguild").await;
    assert!(html.contains("Ada Lovelace") && html.contains("Qm7vT2"));
    alpha.settle().await;
}
