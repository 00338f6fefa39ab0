//! Person pages: the communities someone takes part in, local and remote.

use crate::{client::named, common::TestApp};
use guildhall::{
    api::communities::CreateCommunity,
    db::{self, community::CommunityRow, follow::FollowState},
    domain::community::Visibility,
};
use reqwest::header::COOKIE;

/// A remote community cached as if fetched from `host`.
pub async fn remote_community(app: &TestApp, name: &str, host: &str) -> CommunityRow {
    let state = app.state().await;
    let mut conn = state.pool.get().await.unwrap();
    let ap_id = format!("https://{host}/c/{name}");
    let inbox = format!("{ap_id}/inbox");
    db::community::upsert_remote(
        &mut conn,
        &db::community::RemoteCommunity {
            ap_id: &ap_id,
            name,
            domain: host,
            local: false,
            title: &format!("{name} <far away>"),
            summary: "",
            visibility: "public",
            posting_policy: "members",
            inbox: &inbox,
            shared_inbox: None,
            followers_url: None,
            public_key: "unused",
            key_id: None,
            refreshed_at: chrono::Utc::now(),
        },
        None,
    )
    .await
    .unwrap()
}

/// Makes the local person `username` an accepted member of `community`.
pub async fn member_of(app: &TestApp, username: &str, community: &CommunityRow) {
    let person = app.person_row(username).await;
    let state = app.state().await;
    let mut conn = state.pool.get().await.unwrap();
    db::follow::upsert(
        &mut conn,
        community.id,
        person.id,
        FollowState::Accepted,
        None,
    )
    .await
    .unwrap();
}

/// The HTML of `path`, as the holder of the session `session` (or
/// anyone) sees it.
pub async fn page(app: &TestApp, path: &str, session: Option<&str>) -> String {
    let mut request = app.client.get(app.url(path));
    if let Some(session) = session {
        request = request.header(COOKIE, format!("guildhall_session={session}"));
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_person_page_lists_the_communities_they_moderate_or_belong_to_here_and_elsewhere() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice", false).await;
    let bob = app.user("bob", false).await;
    app.community(&alice, "secguild").await;
    app.community(&bob, "rustguild").await;
    app.api(&bob)
        .create_community(&CreateCommunity {
            visibility: Visibility::Unlisted,
            ..named("quietguild")
        })
        .await
        .unwrap();
    app.api(&alice).follow("rustguild").await.unwrap();
    app.api(&alice).follow("quietguild").await.unwrap();
    let faraway = remote_community(&app, "faraway", "remote.example").await;
    member_of(&app, "alice", &faraway).await;

    let html = page(&app, "/u/alice", None).await;
    assert!(
        html.contains("<h2 id=\"communities\">Communities</h2>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<a href=\"/c/secguild\">secguild</a> <span class=\"meta\">· moderator</span>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<a href=\"/c/rustguild\">rustguild</a> <span class=\"meta\">· member</span>"
        ),
        "{html}"
    );
    assert!(html.contains("faraway &lt;far away&gt;"), "escaped: {html}");
    assert!(
        html.contains(
            "from <a href=\"https://remote.example/c/faraway\" rel=\"nofollow noopener\">remote.example</a>"
        ),
        "the remote community's home instance: {html}"
    );
    assert!(!html.contains("quietguild"), "unlisted: {html}");
    let own = page(&app, "/u/alice", Some(&alice)).await;
    assert!(own.contains("href=\"/c/quietguild\""), "{own}");

    let carol = app.user("carol", false).await;
    let html = page(&app, "/u/carol", Some(&carol)).await;
    assert!(html.contains("Communities</h2><p>None yet.</p>"), "{html}");
}
