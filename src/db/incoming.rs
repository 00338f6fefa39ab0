//! The incoming side: activities we acknowledged (2xx), stored before the
//! answer and processed in the background, de-duplicated by activity id.
//! A processed row keeps its id (for de-duplication) but not its body,
//! until it is purged; a dead-lettered row keeps its body for an admin.

use super::schema::incoming_activities;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// A stored incoming activity.
#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = incoming_activities)]
pub struct IncomingRow {
    pub ap_id: String,
    pub actor: String,
    pub kind: String,
    /// Dropped once the activity is processed.
    pub body: Option<String>,
    pub attempts: i32,
    pub received_at: DateTime<Utc>,
}

/// Stores an activity; false when its id was seen before (a duplicate).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
    actor: &str,
    kind: &str,
    body: &str,
) -> QueryResult<bool> {
    diesel::insert_into(incoming_activities::table)
        .values((
            incoming_activities::ap_id.eq(ap_id),
            incoming_activities::actor.eq(actor),
            incoming_activities::kind.eq(kind),
            incoming_activities::body.eq(body),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n > 0)
}

/// Claims up to `limit` unprocessed activities, oldest first, for `lease_secs`.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease_secs: f64,
) -> QueryResult<Vec<IncomingRow>> {
    diesel::sql_query(
        "WITH due AS (
             SELECT ap_id FROM incoming_activities
             WHERE processed_at IS NULL AND (locked_until IS NULL OR locked_until < now())
             ORDER BY received_at
             LIMIT $1
             FOR UPDATE SKIP LOCKED
         )
         UPDATE incoming_activities i SET locked_until = now() + make_interval(secs => $2), attempts = i.attempts + 1
         FROM due WHERE i.ap_id = due.ap_id
         RETURNING i.ap_id, i.actor, i.kind, i.body, i.attempts, i.received_at",
    )
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::Double, _>(lease_secs)
    .load(conn)
    .await
}

/// Marks an activity processed (dropping its body), with the error when
/// processing refused it.
pub async fn finish(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
    error: Option<&str>,
) -> QueryResult<()> {
    diesel::update(incoming_activities::table.find(ap_id))
        .set((
            incoming_activities::processed_at.eq(Some(Utc::now())),
            incoming_activities::locked_until.eq(None::<DateTime<Utc>>),
            incoming_activities::error.eq(error),
            incoming_activities::body.eq(None::<String>),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Marks activities processed together (dropping their bodies).
pub async fn finish_many(conn: &mut AsyncPgConnection, ap_ids: &[&str]) -> QueryResult<()> {
    diesel::update(incoming_activities::table.filter(incoming_activities::ap_id.eq_any(ap_ids)))
        .set((
            incoming_activities::processed_at.eq(Some(Utc::now())),
            incoming_activities::locked_until.eq(None::<DateTime<Utc>>),
            incoming_activities::error.eq(None::<String>),
            incoming_activities::body.eq(None::<String>),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Gives up on an activity that kept failing: it stays, with its body and
/// error, in the dead-letter state (counted, never retried).
pub async fn dead_letter(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
    error: &str,
) -> QueryResult<()> {
    let now = Utc::now();
    diesel::update(incoming_activities::table.find(ap_id))
        .set((
            incoming_activities::processed_at.eq(Some(now)),
            incoming_activities::dead_at.eq(Some(now)),
            incoming_activities::locked_until.eq(None::<DateTime<Utc>>),
            incoming_activities::error.eq(error),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Leaves an activity for a later retry after a transient failure.
pub async fn release(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
    error: &str,
    retry_in_secs: f64,
) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE incoming_activities SET locked_until = now() + make_interval(secs => $2), error = $3 WHERE ap_id = $1",
    )
    .bind::<diesel::sql_types::Text, _>(ap_id)
    .bind::<diesel::sql_types::Double, _>(retry_in_secs)
    .bind::<diesel::sql_types::Text, _>(error)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Deletes processed activities older than `days` (dead letters stay);
/// returns how many.
pub async fn purge_processed(conn: &mut AsyncPgConnection, days: u32) -> QueryResult<usize> {
    let before = Utc::now() - chrono::Duration::days(i64::from(days));
    diesel::delete(
        incoming_activities::table
            .filter(incoming_activities::processed_at.lt(before))
            .filter(incoming_activities::dead_at.is_null()),
    )
    .execute(conn)
    .await
}

/// Number of dead-lettered activities.
pub async fn dead_count(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    incoming_activities::table
        .filter(incoming_activities::dead_at.is_not_null())
        .count()
        .get_result(conn)
        .await
}

/// A dead-lettered activity, for the admin.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = incoming_activities)]
pub struct DeadLetter {
    pub ap_id: String,
    pub actor: String,
    pub kind: String,
    pub received_at: DateTime<Utc>,
    pub attempts: i32,
    pub error: Option<String>,
    pub dead_at: Option<DateTime<Utc>>,
}

/// Dead-lettered activities, most recent first.
pub async fn dead_letters(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> QueryResult<Vec<DeadLetter>> {
    incoming_activities::table
        .filter(incoming_activities::dead_at.is_not_null())
        .order(incoming_activities::dead_at.desc())
        .limit(limit)
        .select(DeadLetter::as_select())
        .load(conn)
        .await
}

/// Puts dead letters (one by id, or all) back in the queue for another
/// round of attempts; returns how many.
pub async fn revive(conn: &mut AsyncPgConnection, ap_id: Option<&str>) -> QueryResult<usize> {
    let mut dead = diesel::update(incoming_activities::table)
        .filter(incoming_activities::dead_at.is_not_null())
        .into_boxed();
    if let Some(ap_id) = ap_id {
        dead = dead.filter(incoming_activities::ap_id.eq(ap_id.to_string()));
    }
    dead.set((
        incoming_activities::dead_at.eq(None::<DateTime<Utc>>),
        incoming_activities::processed_at.eq(None::<DateTime<Utc>>),
        incoming_activities::locked_until.eq(None::<DateTime<Utc>>),
        incoming_activities::attempts.eq(0),
    ))
    .execute(conn)
    .await
}

/// Number of activities not processed yet.
pub async fn pending_count(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    incoming_activities::table
        .filter(incoming_activities::processed_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// The bodies of stored activities that are not processed yet (or were
/// dead-lettered), by id; ids without a body are left out.
pub async fn bodies(
    conn: &mut AsyncPgConnection,
    ap_ids: &[&str],
) -> QueryResult<Vec<(String, String)>> {
    incoming_activities::table
        .filter(incoming_activities::ap_id.eq_any(ap_ids))
        .filter(incoming_activities::body.is_not_null())
        .select((
            incoming_activities::ap_id,
            incoming_activities::body.assume_not_null(),
        ))
        .load(conn)
        .await
}
