//! The `local_handles` table: one namespace for local people and communities.

use super::schema::local_handles;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// What a local handle names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandleKind {
    Person,
    Community,
}

impl HandleKind {
    fn as_str(self) -> &'static str {
        match self {
            HandleKind::Person => "person",
            HandleKind::Community => "community",
        }
    }
}

/// Claims `name`; fails with a unique violation when it is taken.
pub async fn claim(conn: &mut AsyncPgConnection, name: &str, kind: HandleKind) -> QueryResult<()> {
    diesel::insert_into(local_handles::table)
        .values((
            local_handles::name.eq(name),
            local_handles::kind.eq(kind.as_str()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// What `name` names locally, if anything.
pub async fn find(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<Option<HandleKind>> {
    let kind: Option<String> = local_handles::table
        .find(name)
        .select(local_handles::kind)
        .first(conn)
        .await
        .optional()?;
    Ok(kind.map(|k| {
        if k == "community" {
            HandleKind::Community
        } else {
            HandleKind::Person
        }
    }))
}
