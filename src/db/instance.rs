//! The `instance` table: the single row holding the instance actor's keys.

use super::schema::instance;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The instance actor's key pair (its `Debug` leaves out the private key).
#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = instance)]
pub struct InstanceRow {
    pub domain: String,
    pub public_key: String,
    pub private_key: String,
}

impl std::fmt::Debug for InstanceRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceRow")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

/// Reads the instance row, if it was created already.
pub async fn find(conn: &mut AsyncPgConnection) -> QueryResult<Option<InstanceRow>> {
    instance::table
        .select(InstanceRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Inserts the instance row unless one exists, then returns the stored row.
pub async fn insert_or_get(
    conn: &mut AsyncPgConnection,
    domain: &str,
    public_key: &str,
    private_key: &str,
) -> QueryResult<InstanceRow> {
    diesel::insert_into(instance::table)
        .values((
            instance::domain.eq(domain),
            instance::public_key.eq(public_key),
            instance::private_key.eq(private_key),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    instance::table
        .select(InstanceRow::as_select())
        .first(conn)
        .await
}
