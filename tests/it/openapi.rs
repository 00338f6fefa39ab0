//! The OpenAPI document is served and true: every operation it lists is
//! routed (answers neither "no such resource" nor 405).

use crate::{client::untitled, common::TestApp};
use serde_json::Value;

#[tokio::test]
async fn every_operation_in_the_openapi_document_is_routed() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", true).await;
    app.community(&token, "secguild").await;
    let post = app
        .api(&token)
        .create_post("secguild", &untitled("x"))
        .await
        .unwrap();
    let (status, spec) = app
        .get_json("/api/v1/openapi.json", "application/json")
        .await;
    assert_eq!(status, 200);
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.len() >= 20);
    for (path, operations) in paths {
        let concrete = path
            .replace("{handle}", "secguild")
            .replace("{name}", "secguild")
            .replace("{id}", &post.id.to_string());
        for method in operations.as_object().unwrap().keys() {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            // No token: each routed operation answers 200/401/404-with-its-own-message, never a routing miss.
            let res = app
                .send(method.clone(), &concrete, None, Some("{}".into()))
                .await;
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            assert_ne!(status, 405, "{method} {path} is not routed");
            assert_ne!(
                body["message"], "no such resource",
                "{method} {path} is not routed"
            );
        }
    }
}
