//! The outgoing side: published activities (`outgoing_activities`) and the
//! delivery queue (`deliveries`), one row per activity and inbox.
//!
//! Rows are written in the transaction of the change that caused them, so a
//! crash never loses an activity. Workers claim due rows with a lease
//! (`locked_until`) under `FOR UPDATE SKIP LOCKED`, so several processes
//! share the queue without sending twice; a crashed worker's lease expires
//! and another process re-sends (receivers de-duplicate by activity id).

use super::schema::{deliveries, outgoing_activities};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::collections::HashMap;

/// A published activity.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = outgoing_activities)]
pub struct OutgoingRow {
    pub id: i64,
    pub ap_id: String,
    pub kind: String,
    pub actor: String,
    pub body: String,
}

/// A claimed delivery with the activity to send.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    pub id: i64,
    pub inbox: String,
    pub domain: String,
    pub signer: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub body: String,
}

/// An activity to store and queue for its inboxes.
pub struct Publication<'a> {
    pub ap_id: &'a str,
    pub kind: &'a str,
    pub actor: &'a str,
    pub body: &'a str,
    pub inboxes: &'a [String],
}

/// Stores activities and queues each for its inboxes (duplicates
/// collapse): one statement for the activities, and one for every
/// thousand deliveries, however many activities there are.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    publications: &[Publication<'_>],
) -> QueryResult<()> {
    if publications.is_empty() {
        return Ok(());
    }
    let activities: Vec<_> = publications
        .iter()
        .map(|p| {
            (
                outgoing_activities::ap_id.eq(p.ap_id),
                outgoing_activities::kind.eq(p.kind),
                outgoing_activities::actor.eq(p.actor),
                outgoing_activities::body.eq(p.body),
            )
        })
        .collect();
    let stored: HashMap<String, i64> = diesel::insert_into(outgoing_activities::table)
        .values(activities)
        .returning((outgoing_activities::ap_id, outgoing_activities::id))
        .get_results::<(String, i64)>(conn)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<_> = publications
        .iter()
        .filter_map(|p| Some((stored.get(p.ap_id).copied()?, p)))
        .flat_map(|(activity_id, p)| {
            p.inboxes.iter().filter_map(move |inbox| {
                let domain = url::Url::parse(inbox).ok()?.host_str()?.to_string();
                Some((
                    deliveries::activity_id.eq(activity_id),
                    deliveries::inbox.eq(inbox.as_str()),
                    deliveries::domain.eq(domain),
                    deliveries::signer.eq(p.actor),
                ))
            })
        })
        .collect();
    for chunk in rows.chunks(1000) {
        diesel::insert_into(deliveries::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A published activity by its id (for `GET` on activity URLs).
pub async fn find_activity(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<OutgoingRow>> {
    outgoing_activities::table
        .filter(outgoing_activities::ap_id.eq(ap_id))
        .select(OutgoingRow::as_select())
        .first(conn)
        .await
        .optional()
}

#[derive(QueryableByName)]
struct ClaimedRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    inbox: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    domain: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    signer: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    body: String,
}

/// Claims up to `limit` due deliveries for `lease_secs` seconds.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease_secs: f64,
) -> QueryResult<Vec<DueDelivery>> {
    let rows: Vec<ClaimedRow> = diesel::sql_query(
        "WITH due AS (
             SELECT id FROM deliveries
             WHERE next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
             ORDER BY next_attempt_at
             LIMIT $1
             FOR UPDATE SKIP LOCKED
         )
         UPDATE deliveries d SET locked_until = now() + make_interval(secs => $2)
         FROM due, outgoing_activities a
         WHERE d.id = due.id AND a.id = d.activity_id
         RETURNING d.id, d.inbox, d.domain, d.signer, d.attempts, d.created_at, a.body",
    )
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::Double, _>(lease_secs)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DueDelivery {
            id: r.id,
            inbox: r.inbox,
            domain: r.domain,
            signer: r.signer,
            attempts: r.attempts,
            created_at: r.created_at,
            body: r.body,
        })
        .collect())
}

/// Removes a delivered row.
pub async fn complete(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(deliveries::table.find(id))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records a failed attempt and schedules the next one.
pub async fn retry_at(
    conn: &mut AsyncPgConnection,
    id: i64,
    at: DateTime<Utc>,
    error: &str,
) -> QueryResult<()> {
    diesel::update(deliveries::table.find(id))
        .set((
            deliveries::attempts.eq(deliveries::attempts + 1),
            deliveries::next_attempt_at.eq(at),
            deliveries::locked_until.eq(None::<DateTime<Utc>>),
            deliveries::last_error.eq(error),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Drops pending deliveries to `inbox` signed by `signer` (its follower left).
pub async fn cancel(conn: &mut AsyncPgConnection, inbox: &str, signer: &str) -> QueryResult<usize> {
    diesel::delete(
        deliveries::table
            .filter(deliveries::inbox.eq(inbox))
            .filter(deliveries::signer.eq(signer)),
    )
    .execute(conn)
    .await
}

/// Drops every pending delivery to `inbox` (no one uses it any more).
pub async fn cancel_inbox(conn: &mut AsyncPgConnection, inbox: &str) -> QueryResult<usize> {
    diesel::delete(deliveries::table.filter(deliveries::inbox.eq(inbox)))
        .execute(conn)
        .await
}

/// Drops pending deliveries to a whole instance (it was blocked).
pub async fn cancel_for_domain(conn: &mut AsyncPgConnection, domain: &str) -> QueryResult<usize> {
    diesel::delete(deliveries::table.filter(deliveries::domain.eq(domain)))
        .execute(conn)
        .await
}

/// Pending deliveries per domain: (domain, count, oldest, last error).
pub async fn pending_by_domain(
    conn: &mut AsyncPgConnection,
) -> QueryResult<Vec<(String, i64, Option<DateTime<Utc>>, Option<String>)>> {
    use diesel::dsl::{count_star, max, min};
    deliveries::table
        .group_by(deliveries::domain)
        .select((
            deliveries::domain,
            count_star(),
            min(deliveries::created_at),
            max(deliveries::last_error),
        ))
        .order(deliveries::domain)
        .load(conn)
        .await
}

/// Makes every delivery waiting for a retry (to `domain`, or to all
/// instances) due now; deliveries under way keep their lease. Returns how many.
pub async fn retry_now(conn: &mut AsyncPgConnection, domain: Option<&str>) -> QueryResult<usize> {
    let mut waiting = diesel::update(deliveries::table)
        .filter(deliveries::next_attempt_at.gt(diesel::dsl::now))
        .into_boxed();
    if let Some(domain) = domain {
        waiting = waiting.filter(deliveries::domain.eq(domain.to_string()));
    }
    waiting
        .set(deliveries::next_attempt_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
}

/// Drops every pending delivery signed by `signer` (a deleted actor).
pub async fn cancel_signed_by(conn: &mut AsyncPgConnection, signer: &str) -> QueryResult<usize> {
    diesel::delete(deliveries::table.filter(deliveries::signer.eq(signer)))
        .execute(conn)
        .await
}

/// Number of queued deliveries.
pub async fn pending_count(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    deliveries::table.count().get_result(conn).await
}
