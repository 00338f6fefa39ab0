//! The `communities` table (moderators are in `moderator`).

use super::schema::communities;
use crate::domain::{
    charter::Charter,
    community::{PostingPolicy, Visibility},
    kudos::Categories,
    milestone::SwitchedOff,
};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// A community row, local or remote (its `Debug` leaves out the private key).
#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = communities)]
pub struct CommunityRow {
    pub id: i64,
    pub ap_id: String,
    pub name: String,
    pub domain: String,
    pub local: bool,
    pub title: String,
    pub summary: String,
    pub visibility: Visibility,
    pub posting_policy: PostingPolicy,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub followers_url: Option<String>,
    pub public_key: String,
    pub private_key: Option<String>,
    pub charter: Option<Charter>,
    pub charter_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When a remote community was last fetched.
    pub refreshed_at: DateTime<Utc>,
    /// The id of the key a remote community publishes (`publicKey.id`).
    pub key_id: Option<String>,
    /// Its kudos categories (`None`: the defaults).
    pub kudos_categories: Option<Categories>,
    /// The milestone kinds its moderators switched off.
    pub milestones_off: SwitchedOff,
    /// How many days voting on a charter proposal stays open.
    pub proposal_days: i32,
    /// How many must vote for a proposal to be decided.
    pub proposal_quorum: i32,
    /// Its accepted followers (kept by a trigger on `community_follows`).
    pub follower_count: i64,
    /// Moves whenever its follower inboxes change (triggers on
    /// `community_follows`, `people` and `instances`).
    pub followers_version: i64,
}

impl CommunityRow {
    /// The kudos categories it offers.
    pub fn kudos_categories(&self) -> Categories {
        self.kudos_categories
            .clone()
            .unwrap_or_else(Categories::defaults)
    }
}

impl std::fmt::Debug for CommunityRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommunityRow")
            .field("id", &self.id)
            .field("ap_id", &self.ap_id)
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

/// A new community.
#[derive(Clone, Insertable)]
#[diesel(table_name = communities)]
pub struct NewCommunity<'a> {
    pub ap_id: &'a str,
    pub name: &'a str,
    pub domain: &'a str,
    pub local: bool,
    pub title: &'a str,
    pub summary: &'a str,
    pub visibility: &'a str,
    pub posting_policy: &'a str,
    pub inbox: &'a str,
    pub shared_inbox: Option<&'a str>,
    pub followers_url: Option<&'a str>,
    pub public_key: &'a str,
    pub private_key: Option<&'a str>,
}

/// Changes to a community's settings; `None` leaves a column as it is.
#[derive(Clone, Debug, Default, AsChangeset)]
#[diesel(table_name = communities)]
pub struct CommunityChanges {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub visibility: Option<String>,
    pub posting_policy: Option<String>,
    /// The kudos categories (JSON).
    pub kudos_categories: Option<serde_json::Value>,
    /// The milestone kinds switched off (JSON).
    pub milestones_off: Option<serde_json::Value>,
    pub proposal_days: Option<i32>,
    pub proposal_quorum: Option<i32>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// Inserts a community and returns the row.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewCommunity<'_>,
) -> QueryResult<CommunityRow> {
    diesel::insert_into(communities::table)
        .values(new)
        .returning(CommunityRow::as_returning())
        .get_result(conn)
        .await
}

/// A local community by name.
pub async fn find_local(
    conn: &mut AsyncPgConnection,
    name: &str,
) -> QueryResult<Option<CommunityRow>> {
    communities::table
        .filter(communities::local.eq(true))
        .filter(communities::name.eq(name))
        .select(CommunityRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Local communities, by name, after the `after` name cursor.
pub async fn list_local(
    conn: &mut AsyncPgConnection,
    include_unlisted: bool,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<CommunityRow>> {
    let mut query = communities::table
        .filter(communities::local.eq(true))
        .select(CommunityRow::as_select())
        .order(communities::name.asc())
        .limit(limit)
        .into_boxed();
    if !include_unlisted {
        query = query.filter(communities::visibility.ne("unlisted"));
    }
    if let Some(after) = after {
        query = query.filter(communities::name.gt(after.to_string()));
    }
    query.load(conn).await
}

/// Number of local communities.
pub async fn count_local(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    communities::table
        .filter(communities::local.eq(true))
        .count()
        .get_result(conn)
        .await
}

/// Applies `changes` to a community and returns the new row.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    changes: &CommunityChanges,
) -> QueryResult<CommunityRow> {
    diesel::update(communities::table.find(id))
        .set(changes)
        .returning(CommunityRow::as_returning())
        .get_result(conn)
        .await
}

/// Stores `charter` as the current charter at `version`.
pub async fn set_charter(
    conn: &mut AsyncPgConnection,
    id: i64,
    charter: &Charter,
    version: i32,
) -> QueryResult<CommunityRow> {
    let charter = super::typed::to_json(charter)?;
    diesel::update(communities::table.find(id))
        .set((
            communities::charter.eq(charter),
            communities::charter_version.eq(version),
            communities::updated_at.eq(Utc::now()),
        ))
        .returning(CommunityRow::as_returning())
        .get_result(conn)
        .await
}

/// Deletes a local community with everything in it (posts, events,
/// followers, charter history: the foreign keys cascade); its name stays
/// claimed in `local_handles`, so no one else gets its actor id.
pub async fn delete_local(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<bool> {
    diesel::delete(
        communities::table
            .filter(communities::id.eq(id))
            .filter(communities::local.eq(true)),
    )
    .execute(conn)
    .await
    .map(|n| n > 0)
}

/// Number of accepted followers of a community.
pub async fn follower_count(conn: &mut AsyncPgConnection, community_id: i64) -> QueryResult<i64> {
    communities::table
        .find(community_id)
        .select(communities::follower_count)
        .get_result(conn)
        .await
}

/// Locks a community row for the rest of the transaction and returns its
/// current charter version.
pub async fn lock_charter_version(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<i32> {
    communities::table
        .find(id)
        .select(communities::charter_version)
        .for_update()
        .first(conn)
        .await
}

/// Locks a community row for the rest of the transaction, so that changes
/// to its membership are counted one after the other. `FOR NO KEY UPDATE`:
/// the membership row the caller just wrote holds a key-share lock on the
/// community (its foreign key), which `FOR UPDATE` would wait on in the
/// other transaction — a deadlock.
pub async fn lock(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    communities::table
        .find(id)
        .select(communities::id)
        .for_no_key_update()
        .first::<i64>(conn)
        .await
        .map(|_| ())
}

/// A remote community as we cache it.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = communities)]
pub struct RemoteCommunity<'a> {
    pub ap_id: &'a str,
    pub name: &'a str,
    pub domain: &'a str,
    pub local: bool,
    pub title: &'a str,
    pub summary: &'a str,
    pub visibility: &'a str,
    pub posting_policy: &'a str,
    pub inbox: &'a str,
    pub shared_inbox: Option<&'a str>,
    pub followers_url: Option<&'a str>,
    pub public_key: &'a str,
    pub key_id: Option<&'a str>,
    pub refreshed_at: DateTime<Utc>,
}

/// Inserts or refreshes a remote community and its charter (our own ids
/// are never fetched, so never a local row).
pub async fn upsert_remote(
    conn: &mut AsyncPgConnection,
    community: &RemoteCommunity<'_>,
    charter: Option<&Charter>,
) -> QueryResult<CommunityRow> {
    let charter = charter.map(super::typed::to_json).transpose()?;
    diesel::insert_into(communities::table)
        .values((community, communities::charter.eq(&charter)))
        .on_conflict(communities::ap_id)
        .do_update()
        .set((community, communities::charter.eq(&charter)))
        .returning(CommunityRow::as_returning())
        .get_result(conn)
        .await
}

/// A community by ActivityPub id.
pub async fn find_by_ap_id(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<CommunityRow>> {
    communities::table
        .filter(communities::ap_id.eq(ap_id))
        .select(CommunityRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The communities among `ap_ids` that we know (in no particular order).
pub async fn find_by_ap_ids(
    mut conn: &AsyncPgConnection,
    ap_ids: &[&str],
) -> QueryResult<Vec<CommunityRow>> {
    if ap_ids.is_empty() {
        return Ok(Vec::new());
    }
    communities::table
        .filter(communities::ap_id.eq_any(ap_ids))
        .select(CommunityRow::as_select())
        .load(&mut conn)
        .await
}

/// A community by id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<CommunityRow>> {
    communities::table
        .find(id)
        .select(CommunityRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Communities by ids, in any order.
pub async fn find_many(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<CommunityRow>> {
    communities::table
        .filter(communities::id.eq_any(ids))
        .select(CommunityRow::as_select())
        .load(conn)
        .await
}

/// A remote community by `name` and `domain`.
pub async fn find_remote(
    conn: &mut AsyncPgConnection,
    name: &str,
    domain: &str,
) -> QueryResult<Option<CommunityRow>> {
    communities::table
        .filter(communities::local.eq(false))
        .filter(communities::name.eq(name))
        .filter(communities::domain.eq(domain))
        .select(CommunityRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Whether a person is banned from a community.
pub async fn is_banned(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
) -> QueryResult<bool> {
    use super::schema::community_bans;
    diesel::select(diesel::dsl::exists(
        community_bans::table.find((community_id, person_id)),
    ))
    .get_result(conn)
    .await
}
