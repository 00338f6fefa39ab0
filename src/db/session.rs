//! The `sessions` table: bearer tokens, stored as SHA-256 hashes. A
//! session is listed by a short public id (the first 16 hex digits of its
//! hash), which reveals nothing about the token.

use super::{
    person::PersonRow,
    schema::{people, sessions},
};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Length of a session's public id.
pub const PUBLIC_ID_LEN: usize = 16;

/// A session as its owner sees it.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
}

impl SessionRow {
    /// The session's public id.
    pub fn public_id(&self) -> &str {
        self.token_hash
            .get(..PUBLIC_ID_LEN)
            .unwrap_or(&self.token_hash)
    }
}

/// Stores a session for `person_id`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    token_hash: &str,
    person_id: i64,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::person_id.eq(person_id),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The person a token hash belongs to, if the session began after `since`
/// (one query: the session joined to its person).
pub async fn person_for(
    conn: &mut AsyncPgConnection,
    token_hash: &str,
    since: DateTime<Utc>,
) -> QueryResult<Option<PersonRow>> {
    sessions::table
        .inner_join(people::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::created_at.gt(since))
        .select(PersonRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The sessions of a person that began after `since`, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    since: DateTime<Utc>,
) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::person_id.eq(person_id))
        .filter(sessions::created_at.gt(since))
        .order(sessions::created_at.desc())
        .select(SessionRow::as_select())
        .load(conn)
        .await
}

/// Removes a session; true when it existed.
pub async fn delete(conn: &mut AsyncPgConnection, token_hash: &str) -> QueryResult<bool> {
    diesel::delete(sessions::table.find(token_hash))
        .execute(conn)
        .await
        .map(|n| n > 0)
}

/// Removes the session of `person_id` with the public id `public_id`; true
/// when there was one.
pub async fn delete_by_public_id(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    public_id: &str,
) -> QueryResult<bool> {
    if public_id.len() != PUBLIC_ID_LEN || !public_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    diesel::delete(
        sessions::table
            .filter(sessions::person_id.eq(person_id))
            .filter(sessions::token_hash.like(format!("{public_id}%"))),
    )
    .execute(conn)
    .await
    .map(|n| n > 0)
}

/// Ends every session of a person; returns how many.
pub async fn delete_for_person(conn: &mut AsyncPgConnection, person_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::person_id.eq(person_id)))
        .execute(conn)
        .await
}

/// Removes sessions that began before `before`; returns how many.
pub async fn purge(conn: &mut AsyncPgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::created_at.le(before)))
        .execute(conn)
        .await
}
