//! Accounts: sign-in with bearer tokens, sign-out, wrong passwords.

use crate::{
    client::{Refused, named},
    common::TestApp,
};

#[tokio::test]
async fn signing_in_gives_a_token_that_signing_out_revokes() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    let alice = app.api(&token);
    alice
        .create_community(&named("first"))
        .await
        .expect("a fresh token works");

    alice.sign_out().await.unwrap();
    let refused = alice.create_community(&named("second")).await.refused();
    assert_eq!(refused.status, 401, "a revoked token is refused");
    assert_eq!(app.count("communities").await, 1);
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_is_401_and_creates_no_session() {
    let app = TestApp::spawn().await;
    app.user("alice", false).await;
    let sessions = app.count("sessions").await;
    for (username, password) in [
        ("alice", "wrong password"),
        ("nobody", "correct horse battery"),
    ] {
        let refused = app.anonymous().sign_in(username, password).await.refused();
        assert_eq!(refused.status, 401);
        assert_eq!(refused.error, "unauthorized");
    }
    assert_eq!(app.count("sessions").await, sessions);
}

#[tokio::test]
async fn passwords_are_stored_as_argon2_hashes_and_people_get_keys() {
    let app = TestApp::spawn().await;
    app.user("alice", true).await;
    let state = app.state().await;
    let mut conn = state.pool.get().await.unwrap();
    let alice = guildhall::db::person::find_local(&mut conn, "alice")
        .await
        .unwrap()
        .unwrap();
    assert!(alice.password_hash.unwrap().starts_with("$argon2id$"));
    assert!(alice.public_key.contains("BEGIN PUBLIC KEY"));
    assert!(alice.private_key.unwrap().contains("BEGIN PRIVATE KEY"));
    assert!(alice.is_admin);
}
