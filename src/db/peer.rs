//! The `instances` table: other instances we know, their federation policy
//! (blocked / partner), their software and delivery health.

use super::schema::instances;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Policy toward another instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerPolicy {
    None,
    Blocked,
    Partner,
}

impl PeerPolicy {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            PeerPolicy::None => "none",
            PeerPolicy::Blocked => "blocked",
            PeerPolicy::Partner => "partner",
        }
    }

    fn parse(value: &str) -> PeerPolicy {
        match value {
            "blocked" => PeerPolicy::Blocked,
            "partner" => PeerPolicy::Partner,
            _ => PeerPolicy::None,
        }
    }
}

/// What we know of another instance.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = instances)]
pub struct PeerRow {
    pub domain: String,
    pub policy: String,
    pub software: Option<String>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub delivered_count: i64,
    pub failed_count: i64,
}

impl PeerRow {
    /// The parsed policy.
    pub fn policy(&self) -> PeerPolicy {
        PeerPolicy::parse(&self.policy)
    }
}

/// Sets the policy toward `domain`.
pub async fn set_policy(
    conn: &mut AsyncPgConnection,
    domain: &str,
    policy: PeerPolicy,
) -> QueryResult<()> {
    diesel::insert_into(instances::table)
        .values((
            instances::domain.eq(domain),
            instances::policy.eq(policy.as_str()),
        ))
        .on_conflict(instances::domain)
        .do_update()
        .set(instances::policy.eq(policy.as_str()))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The policy toward `domain` (none when unknown).
pub async fn policy(conn: &mut AsyncPgConnection, domain: &str) -> QueryResult<PeerPolicy> {
    let policy: Option<String> = instances::table
        .find(domain)
        .select(instances::policy)
        .first(conn)
        .await
        .optional()?;
    Ok(policy.map_or(PeerPolicy::None, |p| PeerPolicy::parse(&p)))
}

/// Every known instance.
pub async fn list(conn: &mut AsyncPgConnection) -> QueryResult<Vec<PeerRow>> {
    instances::table
        .select(PeerRow::as_select())
        .order(instances::domain)
        .load(conn)
        .await
}

/// Records the software an instance runs (from its NodeInfo).
pub async fn set_software(
    conn: &mut AsyncPgConnection,
    domain: &str,
    software: &str,
) -> QueryResult<()> {
    diesel::insert_into(instances::table)
        .values((
            instances::domain.eq(domain),
            instances::software.eq(software),
        ))
        .on_conflict(instances::domain)
        .do_update()
        .set(instances::software.eq(software))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The software of an instance, if known.
pub async fn software(conn: &mut AsyncPgConnection, domain: &str) -> QueryResult<Option<String>> {
    Ok(instances::table
        .find(domain)
        .select(instances::software)
        .first::<Option<String>>(conn)
        .await
        .optional()?
        .flatten())
}

/// Records a delivery outcome for `domain`.
pub async fn record_delivery(
    conn: &mut AsyncPgConnection,
    domain: &str,
    error: Option<&str>,
    gave_up: bool,
) -> QueryResult<()> {
    let now = Utc::now();
    diesel::insert_into(instances::table)
        .values(instances::domain.eq(domain))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let row = instances::table.find(domain);
    match error {
        None => diesel::update(row)
            .set((
                instances::last_success_at.eq(now),
                instances::delivered_count.eq(instances::delivered_count + 1),
            ))
            .execute(conn)
            .await
            .map(|_| ()),
        Some(error) => diesel::update(row)
            .set((
                instances::last_failure_at.eq(now),
                instances::last_error.eq(error),
                instances::failed_count.eq(instances::failed_count + i64::from(gave_up)),
            ))
            .execute(conn)
            .await
            .map(|_| ()),
    }
}
