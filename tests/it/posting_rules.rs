//! The posting rules exist once: a banned person is refused by the same
//! rule, with the same reason, whether they post through our API or from
//! their own server with a signed `Create`.

use crate::{
    client::{Refused, untitled},
    common::TestApp,
    mastodon::FakeMastodon,
    mastodon_peer::mention_toot,
};
use guildhall::domain::rules::Refusal;
use serde_json::json;

#[tokio::test]
async fn a_banned_person_is_refused_by_the_same_rule_through_the_api_and_a_signed_create() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    let carol = alpha.user("carol", false).await;
    alpha.community(&alice, "secguild").await;
    let group = format!("{}/c/secguild", alpha.base);
    // Both join: carol here, mona from her Mastodon server.
    alpha.api(&carol).follow("secguild").await.unwrap();
    let mona = FakeMastodon::start().await;
    let follow = json!({"id": format!("{}#follows/1", mona.actor), "type": "Follow",
                        "actor": mona.actor, "object": group});
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &follow).await, 202);
    alpha.settle().await;
    assert!(!mona.received("Accept").is_empty(), "mona is a member");
    let alice = alpha.api(&alice);
    for person in ["carol", mona.actor.as_str()] {
        let banned = alice.ban("secguild", person, "spam").await;
        assert!(banned.is_ok(), "ban {person}: {banned:?}");
    }

    // Through the API.
    let refused = alpha
        .api(&carol)
        .create_post("secguild", &untitled("still here"))
        .await
        .refused();
    assert_eq!(refused.status, 403);
    assert_eq!(refused.message, Refusal::Banned.message());

    // From her own server.
    let toot = mention_toot(&mona, &group, 1, true);
    assert_eq!(
        mona.deliver(&format!("{}/inbox", alpha.base), &toot).await,
        202
    );
    alpha.settle().await;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        error: Option<String>,
    }
    use diesel_async::{AsyncConnection, RunQueryDsl};
    let mut conn = diesel_async::AsyncPgConnection::establish(&alpha.db.url)
        .await
        .unwrap();
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT error FROM incoming_activities WHERE kind = 'Create' AND processed_at IS NOT NULL",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let error = rows
        .into_iter()
        .next()
        .and_then(|r| r.error)
        .expect("alpha processed the toot, with a reason");
    assert!(error.contains(Refusal::Banned.message()), "{error}");
    assert_eq!(alpha.count("posts").await, 0);
}
