//! The `instances` table: other instances we know, their federation policy
//! (blocked / partner), their software and delivery health.

use super::schema::instances;
use chrono::{DateTime, Utc};
use diesel::{prelude::*, upsert::excluded};
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

/// Records a failed delivery attempt to `domain` (`gave_up`: it is
/// dropped, not retried).
pub async fn record_failure(
    conn: &mut AsyncPgConnection,
    domain: &str,
    error: &str,
    gave_up: bool,
) -> QueryResult<()> {
    diesel::insert_into(instances::table)
        .values((
            instances::domain.eq(domain),
            instances::last_failure_at.eq(Utc::now()),
            instances::last_error.eq(error),
            instances::failed_count.eq(i64::from(gave_up)),
        ))
        .on_conflict(instances::domain)
        .do_update()
        .set((
            instances::last_failure_at.eq(excluded(instances::last_failure_at)),
            instances::last_error.eq(excluded(instances::last_error)),
            instances::failed_count.eq(instances::failed_count + i64::from(gave_up)),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records deliveries that succeeded, as (domain, how many), all at time
/// `at`: one statement for many deliveries, so that a busy instance's row
/// is not updated once per delivery.
pub async fn record_successes(
    conn: &mut AsyncPgConnection,
    successes: &[(String, i64)],
    at: DateTime<Utc>,
) -> QueryResult<()> {
    if successes.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = successes
        .iter()
        .map(|(domain, count)| {
            (
                instances::domain.eq(domain),
                instances::last_success_at.eq(at),
                instances::delivered_count.eq(*count),
            )
        })
        .collect();
    diesel::insert_into(instances::table)
        .values(rows)
        .on_conflict(instances::domain)
        .do_update()
        .set((
            instances::last_success_at.eq(excluded(instances::last_success_at)),
            instances::delivered_count
                .eq(instances::delivered_count + excluded(instances::delivered_count)),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// How far a link between our instance actor and another instance's has
/// got (the `partner` policy itself is [`PeerRow::policy`]).
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = instances)]
pub struct LinkRow {
    pub domain: String,
    pub policy: String,
    /// Their instance actor, and where to deliver to it.
    pub instance_actor: Option<String>,
    pub instance_inbox: Option<String>,
    /// Our `Follow` of their instance actor and its state.
    pub follow_ap_id: Option<String>,
    pub follow_state: Option<String>,
    /// Their `Follow` of ours and its state.
    pub follower_ap_id: Option<String>,
    pub follower_state: Option<String>,
}

impl LinkRow {
    /// The parsed policy.
    pub fn policy(&self) -> PeerPolicy {
        PeerPolicy::parse(&self.policy)
    }

    /// True when our follow of their instance actor was accepted.
    pub fn followed_by_us(&self) -> bool {
        self.follow_state.as_deref() == Some(LINK_ACCEPTED)
    }
}

/// A follow between instance actors that waits for an answer.
pub const LINK_PENDING: &str = "pending";
/// A follow between instance actors that was accepted.
pub const LINK_ACCEPTED: &str = "accepted";

/// The link with `domain`, if we know the instance.
pub async fn link(conn: &mut AsyncPgConnection, domain: &str) -> QueryResult<Option<LinkRow>> {
    instances::table
        .find(domain)
        .select(LinkRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The link whose instance actor is `actor`.
pub async fn link_by_actor(
    conn: &mut AsyncPgConnection,
    actor: &str,
) -> QueryResult<Option<LinkRow>> {
    instances::table
        .filter(instances::instance_actor.eq(actor))
        .select(LinkRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Records another instance's actor and inbox.
pub async fn set_instance_actor(
    conn: &mut AsyncPgConnection,
    domain: &str,
    actor: &str,
    inbox: &str,
) -> QueryResult<()> {
    diesel::insert_into(instances::table)
        .values((
            instances::domain.eq(domain),
            instances::instance_actor.eq(actor),
            instances::instance_inbox.eq(inbox),
        ))
        .on_conflict(instances::domain)
        .do_update()
        .set((
            instances::instance_actor.eq(actor),
            instances::instance_inbox.eq(inbox),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Which of the two follows between instance actors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkSide {
    /// Our instance actor's follow of theirs.
    Ours,
    /// Their instance actor's follow of ours.
    Theirs,
}

/// Sets (or with `None` clears) one follow of the link with `domain`:
/// its id and state.
pub async fn set_link_follow(
    conn: &mut AsyncPgConnection,
    domain: &str,
    side: LinkSide,
    follow: Option<(&str, &str)>,
) -> QueryResult<()> {
    let (id, state) = (follow.map(|f| f.0), follow.map(|f| f.1));
    let row = diesel::update(instances::table.find(domain));
    match side {
        LinkSide::Ours => {
            row.set((
                instances::follow_ap_id.eq(id),
                instances::follow_state.eq(state),
            ))
            .execute(conn)
            .await
        }
        LinkSide::Theirs => {
            row.set((
                instances::follower_ap_id.eq(id),
                instances::follower_state.eq(state),
            ))
            .execute(conn)
            .await
        }
    }
    .map(|_| ())
}

/// The inboxes of the instance actors that follow ours (accepted, not blocked).
pub async fn follower_inboxes(conn: &mut AsyncPgConnection) -> QueryResult<Vec<String>> {
    instances::table
        .filter(instances::follower_state.eq(LINK_ACCEPTED))
        .filter(instances::policy.ne(PeerPolicy::Blocked.as_str()))
        .filter(instances::instance_inbox.is_not_null())
        .select(instances::instance_inbox.assume_not_null())
        .load(conn)
        .await
}

/// Notes that `domain` sent something for the directory just now.
pub async fn touch_directory(conn: &mut AsyncPgConnection, domain: &str) -> QueryResult<()> {
    diesel::update(instances::table.find(domain))
        .set(instances::directory_seen_at.eq(Utc::now()))
        .execute(conn)
        .await
        .map(|_| ())
}
