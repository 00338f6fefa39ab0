//! `cargo bench --bench federation -- --scale <rows>` (or
//! `GUILDHALL_BENCH_SCALE=<rows>`; for instance 1000000): before the warm
//! inbox run, alpha's large tables get that many old rows each, written in
//! SQL — processed incoming activities (their ids only, as retention keeps
//! them), posts of one community, and deliveries waiting for a retry a day
//! from now — so the accept figure can be compared with an empty database.

use anyhow::anyhow;
use diesel_async::RunQueryDsl;
use guildhall::services::{self, AppState, community::NewCommunityInput};
use std::time::{Duration, Instant};

/// Rows preloaded per table (0: none): the `--scale <rows>` (or
/// `--scale=<rows>`) argument, else `GUILDHALL_BENCH_SCALE`.
pub fn rows() -> anyhow::Result<i64> {
    let args: Vec<String> = std::env::args().collect();
    let argument = args
        .iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.as_str() {
            "--scale" => Some(args.get(i + 1).cloned().unwrap_or_default()),
            _ => arg.strip_prefix("--scale=").map(str::to_string),
        });
    let given = argument.or_else(|| std::env::var("GUILDHALL_BENCH_SCALE").ok());
    match given {
        None => Ok(0),
        Some(text) => text
            .parse()
            .map_err(|_| anyhow!("--scale wants a number of rows, not {text:?}")),
    }
}

/// Preloads `rows` rows into each large table; returns how long it took.
pub async fn preload(state: &AppState, rows: i64) -> anyhow::Result<Duration> {
    let begun = Instant::now();
    let author = services::account::create_user(state, "archivist", "correct horse battery", false)
        .await
        .map_err(|e| anyhow!("create the archivist: {e}"))?;
    let community = services::community::create_community(
        state,
        &author,
        NewCommunityInput {
            name: "archive".into(),
            ..NewCommunityInput::default()
        },
    )
    .await
    .map_err(|e| anyhow!("create the archive: {e}"))?;
    let mut conn = state.pool.get().await?;
    let statements = [
        format!(
            "INSERT INTO incoming_activities (ap_id, actor, kind, body, received_at, attempts, processed_at)
             SELECT 'http://old.test/activities/' || g, 'http://old.test/users/u' || (g % 1000), 'Like', NULL,
                    now() - interval '1 day', 1, now() - interval '1 day'
             FROM generate_series(1, {rows}) g"
        ),
        format!(
            "INSERT INTO posts (ap_id, community_id, author_id, local, title, content, published)
             SELECT 'http://old.test/posts/' || g, {}, {}, false, 'Old post ' || g, '<p>An old post.</p>',
                    now() - g * interval '1 minute'
             FROM generate_series(1, {rows}) g",
            community.row.id, author.id
        ),
        "INSERT INTO outgoing_activities (ap_id, kind, actor, body)
         VALUES ('http://old.test/activities/outgoing', 'Announce', 'http://old.test/c/archive', '{}')"
            .to_string(),
        format!(
            "INSERT INTO deliveries (activity_id, inbox, domain, signer, attempts, next_attempt_at)
             SELECT (SELECT id FROM outgoing_activities WHERE ap_id = 'http://old.test/activities/outgoing'),
                    'http://h' || g || '.old.test/inbox', 'h' || g || '.old.test', 'http://old.test/c/archive',
                    3, now() + interval '1 day'
             FROM generate_series(1, {rows}) g"
        ),
        "ANALYZE incoming_activities, posts, deliveries".to_string(),
    ];
    for statement in statements {
        diesel::sql_query(statement).execute(&mut conn).await?;
    }
    Ok(begun.elapsed())
}
