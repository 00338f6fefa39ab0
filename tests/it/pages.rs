//! The HTML pages share URLs with the ActivityPub documents.

use crate::{
    client::{named, titled},
    common::TestApp,
};
use guildhall::api::communities::CreateCommunity;

#[tokio::test]
async fn a_post_url_is_a_thread_page_in_a_browser_and_an_object_for_activitypub() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    let alice = app.api(&token);
    alice
        .create_community(&CreateCommunity {
            title: Some("Security Guild".into()),
            ..named("secguild")
        })
        .await
        .unwrap();
    let post = alice
        .create_post("secguild", &titled("Kick-off <b>", "Welcome *all*"))
        .await
        .unwrap();
    alice.reply(post.id, "First reply").await.unwrap();
    let page = app
        .client
        .get(app.url(&format!("/p/{}", post.id)))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<h1>Kick-off &lt;b&gt;</h1>"), "{html}");
    assert!(html.contains("<em>all</em>"));
    assert!(html.contains("1 reply<") && html.contains("First reply"));
    let community = app
        .client
        .get(app.url("/c/secguild"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(community.contains(&format!("href=\"/p/{}\"", post.id)));
    let (status, object) = app
        .get_json(&format!("/p/{}", post.id), "application/activity+json")
        .await;
    assert_eq!(status, 200);
    assert_eq!(object["type"], "Page");
    assert_eq!(
        app.client
            .get(app.url("/p/999999"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
