//! The posting rules exist once: a banned person is refused by the same
//! rule, with the same reason, whether they post through our API or from
//! their own server with a signed `Create`.

use crate::{
    common::{TestApp, eventually},
    mastodon::FakeMastodon,
    mastodon_peer::mention_toot,
};
use guildhall::domain::rules::Refusal;
use serde_json::{Value, json};

#[tokio::test]
async fn a_banned_person_is_refused_by_the_same_rule_through_the_api_and_a_signed_create() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    let carol = alpha.user("carol", false).await;
    alpha.community(&alice, "secguild").await;
    let group = format!("{}/c/secguild", alpha.base);
    // Both join: carol here, mona from her Mastodon server.
    let res = alpha
        .post(
            "/api/v1/communities/secguild/follow",
            Some(&carol),
            &json!({}),
        )
        .await;
    assert!(res.status().is_success());
    let mona = FakeMastodon::start().await;
    let follow = json!({"id": format!("{}#follows/1", mona.actor), "type": "Follow",
                        "actor": mona.actor, "object": group});
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &follow).await, 202);
    eventually("mona is a member", || async {
        mona.received("Accept").pop()
    })
    .await;
    for person in ["carol", mona.actor.as_str()] {
        let res = alpha
            .post(
                "/api/v1/communities/secguild/bans",
                Some(&alice),
                &json!({"person": person, "reason": "spam"}),
            )
            .await;
        assert!(res.status().is_success(), "ban {person}: {}", res.status());
    }

    // Through the API.
    let res = alpha
        .post(
            "/api/v1/communities/secguild/posts",
            Some(&carol),
            &json!({"content": "still here"}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["message"], Refusal::Banned.message());

    // From her own server.
    let toot = mention_toot(&mona, &group, 1, true);
    assert_eq!(
        mona.deliver(&format!("{}/inbox", alpha.base), &toot).await,
        202
    );
    let error = eventually("alpha processed the toot", || async {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            error: Option<String>,
        }
        use diesel_async::{AsyncConnection, RunQueryDsl};
        let mut conn = diesel_async::AsyncPgConnection::establish(&alpha.db.url)
            .await
            .ok()?;
        let rows: Vec<Row> = diesel::sql_query(
            "SELECT error FROM incoming_activities WHERE kind = 'Create' AND processed_at IS NOT NULL",
        )
        .load(&mut conn)
        .await
        .ok()?;
        rows.into_iter().next().and_then(|r| r.error)
    })
    .await;
    assert!(error.contains(Refusal::Banned.message()), "{error}");
    assert_eq!(alpha.count("posts").await, 0);
}
