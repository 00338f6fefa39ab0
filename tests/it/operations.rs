//! Operations endpoints: health, readiness and Prometheus metrics.

use crate::common::TestApp;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    app.community(&token, "secguild").await;
    for (path, body) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.text().await.unwrap(), body);
    }
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("# TYPE guildhall_deliveries_pending gauge"));
    assert!(
        metrics
            .lines()
            .any(|l| l == "guildhall_local_communities 1"),
        "{metrics}"
    );
    assert!(
        metrics.lines().any(|l| l == "guildhall_local_people 1"),
        "{metrics}"
    );
}
