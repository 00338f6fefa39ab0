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

/// The policy toward `domain` (none when unknown). A block of a domain
/// covers its subdomains (`evil.example` blocks `a.evil.example`); a
/// partner link is for the exact domain.
pub async fn policy(conn: &mut AsyncPgConnection, domain: &str) -> QueryResult<PeerPolicy> {
    let domain = domain.to_ascii_lowercase();
    let mut candidates = vec![domain.clone()];
    let mut rest = domain.as_str();
    while let Some((_, parent)) = rest.split_once('.') {
        if parent.contains('.') {
            candidates.push(parent.to_owned());
        }
        rest = parent;
    }
    let rows: Vec<(String, String)> = if candidates.len() == 1 {
        // The common case (`mastodon.social`): one prepared lookup by key.
        instances::table
            .find(&domain)
            .select((instances::domain, instances::policy))
            .load(conn)
            .await?
    } else {
        instances::table
            .filter(instances::domain.eq_any(&candidates))
            .select((instances::domain, instances::policy))
            .load(conn)
            .await?
    };
    let blocked = rows
        .iter()
        .any(|(_, policy)| PeerPolicy::parse(policy) == PeerPolicy::Blocked);
    if blocked {
        return Ok(PeerPolicy::Blocked);
    }
    Ok(rows
        .iter()
        .find(|(d, _)| *d == domain)
        .map_or(PeerPolicy::None, |(_, p)| PeerPolicy::parse(p)))
}

/// Every known instance.
pub async fn list(conn: &mut AsyncPgConnection) -> QueryResult<Vec<PeerRow>> {
    instances::table
        .select(PeerRow::as_select())
        .order(instances::domain)
        .load(conn)
        .await
}

/// Records the software an instance runs (from its NodeInfo); after a
/// failed probe, `unknown` with the time to probe again.
pub async fn set_software(
    conn: &mut AsyncPgConnection,
    domain: &str,
    software: &str,
    retry_at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    diesel::insert_into(instances::table)
        .values((
            instances::domain.eq(domain),
            instances::software.eq(software),
            instances::software_retry_at.eq(retry_at),
        ))
        .on_conflict(instances::domain)
        .do_update()
        .set((
            instances::software.eq(software),
            instances::software_retry_at.eq(retry_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// True when an instance's software should be probed: never probed, or the
/// last probe failed and its retry time has come.
pub async fn software_due(conn: &mut AsyncPgConnection, domain: &str) -> QueryResult<bool> {
    let row: Option<(Option<String>, Option<DateTime<Utc>>)> = instances::table
        .find(domain)
        .select((instances::software, instances::software_retry_at))
        .first(conn)
        .await
        .optional()?;
    Ok(match row {
        None | Some((None, _)) => true,
        Some((Some(_), retry_at)) => retry_at.is_some_and(|at| at <= Utc::now()),
    })
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
