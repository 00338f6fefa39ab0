//! The `guildhall` command line, run as a new user would run it.

use crate::common::TestDb;
use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

/// Runs `guildhall ARGS` over the database `db`, with `stdin` as input.
pub fn guildhall(db: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("GUILDHALL_DATABASE_URL", db)
        .env("GUILDHALL_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run guildhall");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Bytes a process printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn admin_commands_create_users_and_communities_and_refuse_duplicates() {
    let db = TestDb::create().await;
    let out = guildhall(
        &db.url,
        &["admin", "create-user", "alice", "--admin"],
        "a long password\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created user alice"));

    let out = guildhall(
        &db.url,
        &["admin", "create-user", "alice"],
        "another password\n",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already taken"),
        "{}",
        text(&out.stderr)
    );

    let out = guildhall(
        &db.url,
        &[
            "admin",
            "create-community",
            "secguild",
            "--owner",
            "alice",
            "--title",
            "Security Guild",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created community secguild"));

    let out = guildhall(
        &db.url,
        &["admin", "create-community", "other", "--owner", "nobody"],
        "",
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no local user named `nobody`"));

    let out = guildhall(
        &db.url,
        &["admin", "create-community", "Bad Name", "--owner", "alice"],
        "",
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("name"), "{}", text(&out.stderr));

    let out = guildhall(&db.url, &["admin", "create-user", "bob"], "");
    assert!(!out.status.success(), "an empty password is refused");
}

#[tokio::test]
async fn unknown_flags_and_unreachable_databases_fail_clearly_without_leaking_passwords() {
    let out = guildhall(
        "postgres://postgres@127.0.0.1:5432/x",
        &["serve", "--bogus"],
        "",
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--bogus"));

    let out = guildhall(
        "postgres://admin:s3cret@127.0.0.1:1/guildhall",
        &["migrate"],
        "",
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(err.contains("***") && !err.contains("s3cret"), "{err}");
}

#[tokio::test]
async fn migrate_creates_a_missing_database() {
    let db = TestDb::create().await;
    let fresh = format!("{}_fresh", db.url);
    let out = guildhall(&fresh, &["migrate"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|entry| entry.as_ref().unwrap().path().is_dir())
        .count();
    assert!(
        text(&out.stdout).contains(&format!("applied {migrations} migration")),
        "{}",
        text(&out.stdout)
    );
    let again = guildhall(&fresh, &["migrate"], "");
    assert!(text(&again.stdout).contains("applied 0 migration"));
    let name = fresh.rsplit('/').next().unwrap().to_string();
    drop(crate::common::TestDb {
        url: fresh.clone(),
        name,
    });
}

#[tokio::test]
async fn logs_are_json_lines_when_the_output_is_not_a_terminal() {
    let db = TestDb::create().await;
    let out = Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env("GUILDHALL_DATABASE_URL", &db.url)
        .env("GUILDHALL_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let logs = text(&out.stderr);
    let lines: Vec<&str> = logs.lines().collect();
    assert!(!lines.is_empty(), "debug logging says something");
    for line in lines {
        let entry: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|err| panic!("not a JSON line ({err}): {line}"));
        assert!(
            entry["level"].is_string() && entry["timestamp"].is_string(),
            "{line}"
        );
    }
}
