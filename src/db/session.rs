//! The `sessions` table: bearer tokens, stored as SHA-256 hashes.

use super::schema::sessions;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

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

/// The person a token hash belongs to.
pub async fn person_for(
    conn: &mut AsyncPgConnection,
    token_hash: &str,
) -> QueryResult<Option<i64>> {
    sessions::table
        .find(token_hash)
        .select(sessions::person_id)
        .first(conn)
        .await
        .optional()
}

/// Removes a session; true when it existed.
pub async fn delete(conn: &mut AsyncPgConnection, token_hash: &str) -> QueryResult<bool> {
    diesel::delete(sessions::table.find(token_hash))
        .execute(conn)
        .await
        .map(|n| n > 0)
}
