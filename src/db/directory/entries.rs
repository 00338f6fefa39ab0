//! Writing the directory: an entry written (or refreshed) from a listing
//! with its weighted search vector, and what "like this one" compares of
//! it kept in step in `directory_neighbours`; entries removed one by one,
//! by host or second-hand; our own entries' figures (members, next event,
//! last post) read and refreshed. Every write takes the directory's write
//! lock inside the caller's transaction.

use crate::{
    db::{directory_neighbours, schema::directory_entries},
    domain::{charter::Charter, directory::Facets},
};
use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{BigInt, Bool, Int4, Jsonb, Nullable, Text, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// What an entry is written from. The four texts go into the search
/// vector with weights A (purpose, domain) to D.
pub struct NewEntry<'a> {
    pub ap_id: &'a str,
    pub host: &'a str,
    pub local: bool,
    pub handle: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub charter: &'a Charter,
    pub charter_version: i32,
    pub charter_changed_at: DateTime<Utc>,
    pub facets: &'a Facets,
    pub search_config: &'a str,
    pub member_count: i64,
    pub next_event_at: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
    /// Second-hand: the partner (host) it came through.
    pub via: Option<&'a str>,
}

/// The texts of an entry by weight.
pub struct Weighted {
    pub a: String,
    pub b: String,
    pub c: String,
    pub d: String,
}

/// Writes an entry, unless one with that id exists on another host or is
/// ours while this one is not, and what "like this one" compares of it
/// (refreshing the neighbour lists when that changed). Returns whether the
/// entry is new (`None` when it was not written). Inside a transaction: it
/// takes the directory's write lock.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    entry: &NewEntry<'_>,
    text: &Weighted,
) -> QueryResult<Option<bool>> {
    #[derive(QueryableByName)]
    struct Inserted {
        #[diesel(sql_type = Bool)]
        inserted: bool,
    }
    let facets = serde_json::to_value(entry.facets)
        .map_err(|e| diesel::result::Error::SerializationError(e.into()))?;
    directory_neighbours::lock(conn).await?;
    let rows: Vec<Inserted> = diesel::sql_query(
        "INSERT INTO directory_entries AS e (ap_id, host, local, handle, title, summary, charter,
            charter_version, charter_changed_at, facets, search_config, search, member_count,
            next_event_at, last_activity_at, updated_at, via)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
            setweight(to_tsvector($11::regconfig, $12), 'A')
            || setweight(to_tsvector($11::regconfig, $13), 'B')
            || setweight(to_tsvector($11::regconfig, $14), 'C')
            || setweight(to_tsvector($11::regconfig, $15), 'D'),
            $16, $17, $18, now(), $19)
         ON CONFLICT (ap_id) DO UPDATE SET
            handle = EXCLUDED.handle, title = EXCLUDED.title, summary = EXCLUDED.summary,
            charter = EXCLUDED.charter, charter_version = EXCLUDED.charter_version,
            charter_changed_at = EXCLUDED.charter_changed_at, facets = EXCLUDED.facets,
            search_config = EXCLUDED.search_config, search = EXCLUDED.search,
            member_count = EXCLUDED.member_count, next_event_at = EXCLUDED.next_event_at,
            last_activity_at = EXCLUDED.last_activity_at, updated_at = now(),
            via = CASE WHEN e.via IS NULL OR EXCLUDED.via IS NULL THEN NULL ELSE EXCLUDED.via END
         WHERE e.host = EXCLUDED.host AND e.local = EXCLUDED.local
         RETURNING (xmax = 0) AS inserted",
    )
    .bind::<Text, _>(entry.ap_id)
    .bind::<Text, _>(entry.host)
    .bind::<Bool, _>(entry.local)
    .bind::<Text, _>(entry.handle)
    .bind::<Text, _>(entry.title)
    .bind::<Text, _>(entry.summary)
    .bind::<Jsonb, _>(crate::db::typed::to_json(entry.charter)?)
    .bind::<Int4, _>(entry.charter_version)
    .bind::<Timestamptz, _>(entry.charter_changed_at)
    .bind::<Jsonb, _>(&facets)
    .bind::<Text, _>(entry.search_config)
    .bind::<Text, _>(&text.a)
    .bind::<Text, _>(&text.b)
    .bind::<Text, _>(&text.c)
    .bind::<Text, _>(&text.d)
    .bind::<BigInt, _>(entry.member_count)
    .bind::<Nullable<Timestamptz>, _>(entry.next_event_at)
    .bind::<Nullable<Timestamptz>, _>(entry.last_activity_at)
    .bind::<Nullable<Text>, _>(entry.via)
    .load(conn)
    .await?;
    let Some(written) = rows.into_iter().next() else {
        return Ok(None);
    };
    directory_neighbours::keep(conn, entry.ap_id, entry.search_config, &text.a, &facets).await?;
    Ok(Some(written.inserted))
}

/// Removes the entries `ap_ids` and their neighbour lists; how many were
/// removed.
async fn remove_entries(conn: &mut AsyncPgConnection, ap_ids: Vec<String>) -> QueryResult<usize> {
    directory_neighbours::leave(conn, &ap_ids).await?;
    diesel::delete(directory_entries::table.filter(directory_entries::ap_id.eq_any(ap_ids)))
        .execute(conn)
        .await
}

/// Removes the entry `ap_id` if it lives on `host`; true when one was
/// removed. Inside a transaction.
pub async fn remove(conn: &mut AsyncPgConnection, ap_id: &str, host: &str) -> QueryResult<bool> {
    directory_neighbours::lock(conn).await?;
    let ap_ids = directory_entries::table
        .filter(directory_entries::ap_id.eq(ap_id))
        .filter(directory_entries::host.eq(host))
        .select(directory_entries::ap_id)
        .load(conn)
        .await?;
    remove_entries(conn, ap_ids).await.map(|n| n > 0)
}

/// Removes every entry of a partner's `host`, and those it shared (the
/// partnership ended). Inside a transaction.
pub async fn remove_host(conn: &mut AsyncPgConnection, host: &str) -> QueryResult<usize> {
    directory_neighbours::lock(conn).await?;
    let ap_ids = directory_entries::table
        .filter(
            directory_entries::host
                .eq(host)
                .or(directory_entries::via.eq(host)),
        )
        .filter(directory_entries::local.eq(false))
        .select(directory_entries::ap_id)
        .load(conn)
        .await?;
    remove_entries(conn, ap_ids).await
}

/// Removes the second-hand entry `ap_id`; true when one was removed.
/// Inside a transaction.
pub async fn remove_second_hand(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<bool> {
    directory_neighbours::lock(conn).await?;
    let ap_ids = directory_entries::table
        .filter(directory_entries::ap_id.eq(ap_id))
        .filter(directory_entries::via.is_not_null())
        .select(directory_entries::ap_id)
        .load(conn)
        .await?;
    remove_entries(conn, ap_ids).await.map(|n| n > 0)
}

/// Refreshes the figures of our own entries (members, next event, last
/// post) from the tables they come from. Inside a transaction.
pub async fn refresh_local_figures(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    directory_neighbours::lock(conn).await?;
    diesel::sql_query(
        "UPDATE directory_entries e SET
            member_count = (SELECT count(*) FROM community_follows f
                            WHERE f.community_id = c.id AND f.state = 'accepted'),
            next_event_at = (SELECT min(v.starts_at) FROM events v
                             WHERE v.community_id = c.id AND v.starts_at > now() AND v.status <> 'cancelled'),
            last_activity_at = (SELECT max(p.published) FROM posts p
                                WHERE p.community_id = c.id AND NOT p.deleted AND NOT p.removed)
         FROM communities c
         WHERE e.local AND c.ap_id = e.ap_id",
    )
    .execute(conn)
    .await
}

/// A local community's figures: accepted members, the start of its next
/// event that is not cancelled, and its newest post.
#[derive(Clone, Debug, QueryableByName)]
pub struct Figures {
    #[diesel(sql_type = BigInt)]
    pub member_count: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub next_event_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// The figures of the local community `community_id`.
pub async fn local_figures(
    conn: &mut AsyncPgConnection,
    community_id: i64,
) -> QueryResult<Figures> {
    diesel::sql_query(
        "SELECT (SELECT count(*) FROM community_follows f
                 WHERE f.community_id = $1 AND f.state = 'accepted') AS member_count,
                (SELECT min(v.starts_at) FROM events v
                 WHERE v.community_id = $1 AND v.starts_at > now() AND v.status <> 'cancelled') AS next_event_at,
                (SELECT max(p.published) FROM posts p
                 WHERE p.community_id = $1 AND NOT p.deleted AND NOT p.removed) AS last_activity_at",
    )
    .bind::<BigInt, _>(community_id)
    .get_result(conn)
    .await
}
