//! `guildhall admin users|communities|federation`, run as an admin would
//! run them, against a live instance's database.

use crate::{
    cli::{guildhall, text},
    common::{TestApp, TestDb},
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use guildhall::db::delivery::Publication;

/// Runs an admin command that must succeed; gives what it printed.
fn admin(db: &str, args: &[&str], stdin: &str) -> String {
    let out = guildhall(db, args, stdin);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Runs an admin command that must fail; gives its error line.
fn refused(db: &str, args: &[&str], stdin: &str) -> String {
    let out = guildhall(db, args, stdin);
    assert!(!out.status.success(), "{args:?} should fail");
    text(&out.stderr)
}

#[tokio::test]
async fn an_admin_lists_disables_enables_resets_and_promotes_accounts() {
    let app = TestApp::spawn().await;
    let db = app.db.url.clone();
    admin(
        &db,
        &["admin", "create-user", "bob"],
        "bob's first password\n",
    );
    let old_token = app
        .anonymous()
        .sign_in("bob", "bob's first password")
        .await
        .unwrap()
        .token;

    let listed = admin(&db, &["admin", "users", "list"], "");
    let bob_line = listed.lines().find(|l| l.starts_with("bob ")).unwrap();
    assert!(
        bob_line.contains(" no ") && bob_line.contains("active"),
        "{listed}"
    );

    let said = admin(&db, &["admin", "users", "disable", "bob"], "");
    assert!(said.contains("1 session(s) ended"), "{said}");
    let refusal = app.api(&old_token).sessions().await.err().expect("refused");
    assert_eq!(refusal.status, 401, "the session ended");
    let refusal = app
        .anonymous()
        .sign_in("bob", "bob's first password")
        .await
        .err()
        .expect("refused");
    assert_eq!(
        (refusal.status, refusal.message.as_str()),
        (403, "this account is disabled")
    );
    let refusal = app
        .anonymous()
        .sign_in("bob", "a wrong guess!")
        .await
        .err()
        .expect("refused");
    assert_eq!(refusal.status, 401, "a wrong password learns nothing");
    assert!(admin(&db, &["admin", "users", "list"], "").contains("disabled"));

    admin(&db, &["admin", "users", "enable", "bob"], "");
    let token = app
        .anonymous()
        .sign_in("bob", "bob's first password")
        .await
        .unwrap()
        .token;

    let said = admin(
        &db,
        &["admin", "users", "reset-password", "bob"],
        "bob's second password\n",
    );
    assert!(said.contains("every session ended"), "{said}");
    assert_eq!(
        app.api(&token)
            .sessions()
            .await
            .err()
            .expect("refused")
            .status,
        401
    );
    assert!(
        app.anonymous()
            .sign_in("bob", "bob's first password")
            .await
            .is_err()
    );
    app.anonymous()
        .sign_in("bob", "bob's second password")
        .await
        .expect("the new password works");
    let err = refused(&db, &["admin", "users", "reset-password", "bob"], "short\n");
    assert!(err.contains("at least 8"), "{err}");

    admin(&db, &["admin", "users", "make-admin", "bob"], "");
    let listed = admin(&db, &["admin", "users", "list"], "");
    let bob_line = listed.lines().find(|l| l.starts_with("bob ")).unwrap();
    assert!(bob_line.contains(" yes "), "{listed}");
    admin(
        &db,
        &["admin", "users", "make-admin", "bob", "--revoke"],
        "",
    );
    assert!(
        !admin(&db, &["admin", "users", "list"], "")
            .lines()
            .any(|l| l.starts_with("bob ") && l.contains(" yes "))
    );

    for command in ["disable", "enable", "make-admin"] {
        let err = refused(&db, &["admin", "users", command, "nobody"], "");
        assert!(err.contains("no local user named `nobody`"), "{err}");
    }
}

#[tokio::test]
async fn an_admin_lists_communities_and_hands_one_over() {
    let db = TestDb::create().await;
    admin(
        &db.url,
        &["admin", "create-user", "alice"],
        "a long password\n",
    );
    admin(
        &db.url,
        &["admin", "create-user", "bob"],
        "a long password\n",
    );
    admin(
        &db.url,
        &["admin", "create-community", "secguild", "--owner", "alice"],
        "",
    );
    let listed = admin(&db.url, &["admin", "communities", "list"], "");
    let line = listed.lines().find(|l| l.starts_with("secguild ")).unwrap();
    assert!(line.trim_end().ends_with("alice"), "{listed}");

    let said = admin(
        &db.url,
        &[
            "admin",
            "communities",
            "transfer",
            "secguild",
            "--to",
            "bob",
        ],
        "",
    );
    assert!(
        said.contains("bob is now the only moderator of secguild"),
        "{said}"
    );
    let listed = admin(&db.url, &["admin", "communities", "list"], "");
    let line = listed.lines().find(|l| l.starts_with("secguild ")).unwrap();
    assert!(line.trim_end().ends_with("  bob"), "{listed}");

    let err = refused(
        &db.url,
        &["admin", "communities", "transfer", "nothing", "--to", "bob"],
        "",
    );
    assert!(err.contains("no local community named `nothing`"), "{err}");
    let err = refused(
        &db.url,
        &[
            "admin",
            "communities",
            "transfer",
            "secguild",
            "--to",
            "nobody",
        ],
        "",
    );
    assert!(err.contains("no local user named `nobody`"), "{err}");

    let err = refused(&db.url, &["admin", "communities", "delete", "secguild"], "");
    assert!(err.contains("--yes"), "{err}");
    let said = admin(
        &db.url,
        &["admin", "communities", "delete", "secguild", "--yes"],
        "",
    );
    assert!(said.contains("deleted community secguild"), "{said}");
    assert!(!admin(&db.url, &["admin", "communities", "list"], "").contains("secguild"));
    let err = refused(
        &db.url,
        &["admin", "create-community", "secguild", "--owner", "bob"],
        "",
    );
    assert!(err.contains("taken"), "the name is never reused: {err}");
}

#[tokio::test]
async fn a_deleted_community_is_gone_from_the_api_and_its_pages() {
    let app = TestApp::spawn().await;
    let token = app.user("alice", false).await;
    app.community(&token, "secguild").await;
    let alice = app.api(&token);
    alice
        .create_post("secguild", &crate::client::untitled("hello"))
        .await
        .unwrap();
    admin(
        &app.db.url,
        &["admin", "communities", "delete", "secguild", "--yes"],
        "",
    );
    let refusal = alice.community("secguild").await.err().expect("refused");
    assert_eq!(refusal.status, 404);
    let page = app.client.get(app.url("/c/secguild")).send().await.unwrap();
    assert_eq!(page.status(), 404);
    assert_eq!(app.count("posts").await, 0, "its posts went with it");
    app.settle().await;
}

#[tokio::test]
async fn an_admin_sends_waiting_deliveries_now_and_revives_dead_letters() {
    let db = TestDb::create().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let inboxes = [
        "https://slow.example/inbox".to_string(),
        "https://fine.example/inbox".to_string(),
    ];
    let queued = Publication {
        ap_id: "https://here.example/activities/1",
        kind: "Create",
        actor: "https://here.example/c/secguild",
        body: "{}",
        inboxes: &inboxes,
    };
    guildhall::db::delivery::publish(&mut conn, &[queued])
        .await
        .unwrap();
    let sql = [
        "UPDATE deliveries SET next_attempt_at = now() + interval '6 hours'",
        "INSERT INTO incoming_activities (ap_id, actor, kind, body, attempts, processed_at, error, dead_at)
         VALUES ('https://far.example/a/1', 'https://far.example/u/x', 'Create', '{}', 9, now(), 'timed out', now()),
                ('https://far.example/a/2', 'https://far.example/u/x', 'Like', '{}', 9, now(), 'timed out', now())",
    ];
    for statement in sql {
        diesel::sql_query(statement)
            .execute(&mut conn)
            .await
            .unwrap();
    }

    let said = admin(
        &db.url,
        &["admin", "federation", "retry-now", "slow.example"],
        "",
    );
    assert!(said.contains("1 waiting deliveries are due now"), "{said}");
    let said = admin(&db.url, &["admin", "federation", "retry-now"], "");
    assert!(said.contains("1 waiting deliveries are due now"), "{said}");
    let said = admin(&db.url, &["admin", "federation", "queue"], "");
    assert!(said.contains("deliveries pending: 2"), "{said}");
    assert!(said.contains("incoming dead: 2"), "{said}");

    let listed = admin(
        &db.url,
        &["admin", "federation", "dead-letters", "list"],
        "",
    );
    assert!(listed.contains("https://far.example/a/1") && listed.contains("timed out"));
    let said = admin(
        &db.url,
        &[
            "admin",
            "federation",
            "dead-letters",
            "retry",
            "https://far.example/a/1",
        ],
        "",
    );
    assert!(said.contains("1 dead letter(s) queued again"), "{said}");
    let err = refused(
        &db.url,
        &[
            "admin",
            "federation",
            "dead-letters",
            "retry",
            "https://far.example/a/1",
        ],
        "",
    );
    assert!(err.contains("no dead letter with that id"), "{err}");
    let err = refused(
        &db.url,
        &["admin", "federation", "dead-letters", "retry"],
        "",
    );
    assert!(err.contains("--all"), "{err}");
    let said = admin(
        &db.url,
        &["admin", "federation", "dead-letters", "retry", "--all"],
        "",
    );
    assert!(said.contains("1 dead letter(s) queued again"), "{said}");
    let said = admin(&db.url, &["admin", "federation", "queue"], "");
    assert!(
        said.contains("incoming pending: 2   incoming dead: 0"),
        "{said}"
    );
}
