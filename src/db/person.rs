//! The `people` table: local accounts and cached remote actors.

use super::schema::people;
use crate::domain::name::shown_name;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// A person row (its `Debug` leaves out the private key and password hash).
#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = people)]
pub struct PersonRow {
    pub id: i64,
    pub ap_id: String,
    /// `preferredUsername`; remote actors may have none.
    pub username: Option<String>,
    pub domain: String,
    pub local: bool,
    pub display_name: Option<String>,
    pub bio: Option<String>,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub public_key: String,
    pub private_key: Option<String>,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
    /// When a remote person was last fetched.
    pub refreshed_at: DateTime<Utc>,
    /// The id of the key a remote person publishes (`publicKey.id`).
    pub key_id: Option<String>,
    /// When a remote account deleted itself.
    pub deleted_at: Option<DateTime<Utc>>,
    /// When an admin disabled this local account (it cannot sign in).
    pub disabled_at: Option<DateTime<Utc>>,
}

/// A new person (local or remote).
#[derive(Clone, Insertable)]
#[diesel(table_name = people)]
pub struct NewPerson<'a> {
    pub ap_id: &'a str,
    pub username: &'a str,
    pub domain: &'a str,
    pub local: bool,
    pub display_name: Option<&'a str>,
    pub inbox: &'a str,
    pub shared_inbox: Option<&'a str>,
    pub public_key: &'a str,
    pub private_key: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub is_admin: bool,
}

impl PersonRow {
    /// How the API names a person: `name` (local), `name@host`, or the
    /// actor id of a remote account without a user name.
    pub fn handle(&self) -> String {
        match (&self.username, self.local) {
            (Some(name), true) => name.clone(),
            (Some(name), false) => format!("{name}@{}", self.domain),
            (None, _) => self.ap_id.clone(),
        }
    }

    /// The name to show (see [`shown_name`]).
    pub fn shown_name(&self) -> String {
        shown_name(
            self.display_name.as_deref(),
            self.username.as_deref(),
            &self.ap_id,
        )
    }
}

impl std::fmt::Debug for PersonRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonRow")
            .field("id", &self.id)
            .field("ap_id", &self.ap_id)
            .field("local", &self.local)
            .field("is_admin", &self.is_admin)
            .finish_non_exhaustive()
    }
}

/// Inserts a person and returns the row.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewPerson<'_>) -> QueryResult<PersonRow> {
    diesel::insert_into(people::table)
        .values(new)
        .returning(PersonRow::as_returning())
        .get_result(conn)
        .await
}

/// A local person by username.
pub async fn find_local(
    conn: &mut AsyncPgConnection,
    username: &str,
) -> QueryResult<Option<PersonRow>> {
    people::table
        .filter(people::local.eq(true))
        .filter(people::username.eq(username))
        .select(PersonRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Stores the hash of a local person's calendar feed secret.
pub async fn set_calendar_token_hash(
    conn: &mut AsyncPgConnection,
    id: i64,
    hash: &str,
) -> QueryResult<()> {
    diesel::update(people::table.find(id))
        .set(people::calendar_token_hash.eq(Some(hash)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The local person whose calendar feed secret hashes to `hash`.
pub async fn find_by_calendar_token_hash(
    conn: &mut AsyncPgConnection,
    hash: &str,
) -> QueryResult<Option<PersonRow>> {
    people::table
        .filter(people::local.eq(true))
        .filter(people::calendar_token_hash.eq(hash))
        .select(PersonRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A person by id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<PersonRow>> {
    people::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// People by ids, in any order.
pub async fn find_many(mut conn: &AsyncPgConnection, ids: &[i64]) -> QueryResult<Vec<PersonRow>> {
    people::table
        .filter(people::id.eq_any(ids))
        .select(PersonRow::as_select())
        .load(&mut conn)
        .await
}

/// Every local person, by username.
pub async fn list_local(conn: &mut AsyncPgConnection) -> QueryResult<Vec<PersonRow>> {
    people::table
        .filter(people::local.eq(true))
        .order(people::username.asc())
        .select(PersonRow::as_select())
        .load(conn)
        .await
}

/// Disables a local account (`Some(when)`) or enables it again (`None`).
pub async fn set_disabled(
    conn: &mut AsyncPgConnection,
    id: i64,
    at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    diesel::update(people::table.find(id))
        .set(people::disabled_at.eq(at))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Replaces a local person's password hash.
pub async fn set_password_hash(
    conn: &mut AsyncPgConnection,
    id: i64,
    hash: &str,
) -> QueryResult<()> {
    diesel::update(people::table.find(id))
        .set(people::password_hash.eq(Some(hash)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Makes a local person an instance admin, or not.
pub async fn set_admin(conn: &mut AsyncPgConnection, id: i64, admin: bool) -> QueryResult<()> {
    diesel::update(people::table.find(id))
        .set(people::is_admin.eq(admin))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Number of local people.
pub async fn count_local(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    people::table
        .filter(people::local.eq(true))
        .count()
        .get_result(conn)
        .await
}

/// A remote actor as we cache it.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = people)]
pub struct RemotePerson<'a> {
    pub ap_id: &'a str,
    pub username: Option<&'a str>,
    pub domain: &'a str,
    pub local: bool,
    pub display_name: Option<&'a str>,
    pub inbox: &'a str,
    pub shared_inbox: Option<&'a str>,
    pub public_key: &'a str,
    pub key_id: Option<&'a str>,
    pub refreshed_at: DateTime<Utc>,
}

/// Inserts or refreshes a remote person (our own ids are never fetched, so never a local row).
pub async fn upsert_remote(
    conn: &mut AsyncPgConnection,
    person: &RemotePerson<'_>,
) -> QueryResult<PersonRow> {
    diesel::insert_into(people::table)
        .values(person)
        .on_conflict(people::ap_id)
        .do_update()
        .set(person)
        .execute(conn)
        .await?;
    find_by_ap_id(conn, person.ap_id)
        .await?
        .ok_or(diesel::result::Error::NotFound)
}

/// A remote person by user name and host.
pub async fn find_remote(
    conn: &mut AsyncPgConnection,
    username: &str,
    domain: &str,
) -> QueryResult<Option<PersonRow>> {
    people::table
        .filter(people::local.eq(false))
        .filter(people::username.eq(username))
        .filter(people::domain.eq(domain))
        .select(PersonRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A person by ActivityPub id.
pub async fn find_by_ap_id(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<PersonRow>> {
    people::table
        .filter(people::ap_id.eq(ap_id))
        .select(PersonRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// People by ActivityPub ids, in any order.
pub async fn find_by_ap_ids(
    mut conn: &AsyncPgConnection,
    ap_ids: &[&str],
) -> QueryResult<Vec<PersonRow>> {
    people::table
        .filter(people::ap_id.eq_any(ap_ids))
        .select(PersonRow::as_select())
        .load(&mut conn)
        .await
}

/// Records that a remote account deleted itself.
pub async fn mark_deleted(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(people::table.find(id))
        .set(people::deleted_at.eq(Some(Utc::now())))
        .execute(conn)
        .await
        .map(|_| ())
}

/// True when a remote person other than `except` delivers through `inbox`
/// (as their inbox or shared inbox).
pub async fn inbox_used_by_others(
    conn: &mut AsyncPgConnection,
    inbox: &str,
    except: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        people::table
            .filter(people::id.ne(except))
            .filter(people::local.eq(false))
            .filter(people::deleted_at.is_null())
            .filter(people::inbox.eq(inbox).or(people::shared_inbox.eq(inbox))),
    ))
    .get_result(conn)
    .await
}

/// Local people who posted (or replied) since `since`: NodeInfo's active users.
pub async fn count_active_local(
    conn: &mut AsyncPgConnection,
    since: chrono::DateTime<chrono::Utc>,
) -> QueryResult<i64> {
    use super::schema::posts;
    posts::table
        .inner_join(people::table)
        .filter(people::local.eq(true))
        .filter(posts::published.gt(since))
        .select(diesel::dsl::count(posts::author_id).aggregate_distinct())
        .get_result(conn)
        .await
}
