//! Reading the directory: one page of results, best first, for a reader's
//! words (`ts_rank` over the weighted vector, read with every text search
//! configuration in use), for "like this one" (the entry's list in
//! `directory_neighbours`) or for facets alone, each result marked stale
//! when its partner has not been heard from lately; and the lookups the
//! directory collection and announcements make (our entries by page, an
//! entry by id or handle, its figures).

use crate::{
    db::schema::directory_entries,
    domain::{
        charter::Charter,
        directory::{Facets, SEARCH_CONFIGS},
    },
};
use chrono::{DateTime, Utc};
use diesel::{
    pg::Pg,
    prelude::*,
    sql_types::{BigInt, Bool, Float, Int4, Jsonb, Nullable, Text, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One entry as readers see it.
#[derive(Clone, Debug, QueryableByName)]
pub struct EntryRow {
    #[diesel(sql_type = Text)]
    pub ap_id: String,
    #[diesel(sql_type = Text)]
    pub host: String,
    #[diesel(sql_type = Bool)]
    pub local: bool,
    #[diesel(sql_type = Text)]
    pub handle: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub summary: String,
    #[diesel(sql_type = Jsonb)]
    pub charter: Charter,
    #[diesel(sql_type = Int4)]
    pub charter_version: i32,
    #[diesel(sql_type = Timestamptz)]
    pub charter_changed_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub member_count: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub next_event_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_activity_at: Option<DateTime<Utc>>,
    /// A partner's entry whose instance has not been heard from lately.
    #[diesel(sql_type = Bool)]
    pub stale: bool,
    /// Second-hand: the partner it came through.
    #[diesel(sql_type = Nullable<Text>)]
    pub via: Option<String>,
    #[diesel(sql_type = Float)]
    pub rank: f32,
}

/// True when the directory holds `ap_id`.
pub async fn contains(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        directory_entries::table.filter(directory_entries::ap_id.eq(ap_id)),
    ))
    .get_result(conn)
    .await
}

/// The id of the entry with `handle` (`name@domain`), if any.
pub async fn ap_id_by_handle(
    conn: &mut AsyncPgConnection,
    handle: &str,
) -> QueryResult<Option<String>> {
    directory_entries::table
        .filter(directory_entries::handle.eq(handle))
        .select(directory_entries::ap_id)
        .first(conn)
        .await
        .optional()
}

/// A search: words, facets every result must contain, or the entry whose
/// neighbours are wanted (its list in `directory_neighbours`).
pub struct Search<'a> {
    pub words: Option<&'a str>,
    pub like: Option<&'a str>,
    pub facets: &'a Facets,
    /// Entries of partners heard from before this are stale.
    pub stale_before: DateTime<Utc>,
    pub offset: i64,
    pub limit: i64,
}

/// The text search configurations the entries are indexed with, by a
/// loose scan of their index (one probe per configuration): only those
/// known to [`search_config`](crate::domain::directory::search_config).
async fn configs_in_use(conn: &mut AsyncPgConnection) -> QueryResult<Vec<&'static str>> {
    #[derive(QueryableByName)]
    struct Config {
        #[diesel(sql_type = Text)]
        search_config: String,
    }
    let found: Vec<Config> = diesel::sql_query(
        "WITH RECURSIVE configs AS (
            (SELECT search_config FROM directory_entries ORDER BY search_config LIMIT 1)
            UNION ALL
            SELECT (SELECT d.search_config FROM directory_entries d
                    WHERE d.search_config > c.search_config
                    ORDER BY d.search_config LIMIT 1)
            FROM configs c WHERE c.search_config IS NOT NULL)
         SELECT search_config FROM configs WHERE search_config IS NOT NULL",
    )
    .load(conn)
    .await?;
    Ok(std::iter::once("simple")
        .chain(SEARCH_CONFIGS.iter().map(|(_, config)| *config))
        .filter(|known| found.iter().any(|f| f.search_config == *known))
        .collect())
}

/// The query a reader's words make: the words in web-search syntax, read
/// with `simple` and every configuration in `configs`, any of which may
/// match (so an English charter matches "modelling" as "model", a `simple`
/// one as typed). With more than one reading, `ts_rank` scores the bag of
/// their terms.
fn words_query(configs: &[&str]) -> String {
    let mut readings: Vec<&str> = vec!["simple"];
    for config in configs {
        if !readings.contains(config) {
            readings.push(config);
        }
    }
    readings
        .iter()
        .map(|c| format!("websearch_to_tsquery('{c}', $1)"))
        .collect::<Vec<_>>()
        .join(" || ")
}

/// One page of results, best first (by rank, then members, then title).
///
/// Words: the query is computed once (`MATERIALIZED`), so the planner
/// always reads the matches from the `search` index (with a constant query
/// it guessed thousands of matches for a common word and read the whole
/// table); the matches are ranked on their id and vector alone and only the
/// page's entries are read whole. Like this one: the entry's neighbour list
/// (at most 100 rows) read first, then each neighbour by key (`OFFSET 0`
/// keeps the planner from turning that around: guessing that few entries
/// match the facets, it scanned every entry and looked each up in the
/// list: 17 ms at 3,000 entries instead of about 2).
pub async fn search(
    conn: &mut AsyncPgConnection,
    search: &Search<'_>,
) -> QueryResult<Vec<EntryRow>> {
    let facets = serde_json::to_value(search.facets)
        .map_err(|e| diesel::result::Error::SerializationError(e.into()))?;
    const COLUMNS: &str = "e.ap_id, e.host, e.local, e.handle, e.title, e.summary, e.charter,
        e.charter_version, e.charter_changed_at, e.member_count, e.next_event_at,
        e.last_activity_at, e.via,
        (NOT e.local AND coalesce(greatest(i.directory_seen_at, i.last_success_at), e.updated_at) < $3) AS stale";
    let sql = match (search.words, search.like) {
        (_, Some(_)) => format!(
            "WITH n AS MATERIALIZED (
                SELECT neighbour, score FROM directory_neighbours WHERE entry = $1)
             SELECT {COLUMNS}, n.score AS rank
             FROM n CROSS JOIN LATERAL (
                SELECT * FROM directory_entries x WHERE x.ap_id = n.neighbour OFFSET 0) e
             LEFT JOIN instances i ON i.domain = e.host
             WHERE e.facets @> $2
             ORDER BY rank DESC, e.member_count DESC, e.title, e.ap_id
             LIMIT $4 OFFSET $5"
        ),
        (Some(_), None) => format!(
            "WITH q AS MATERIALIZED (SELECT {} AS q),
             best AS (
                SELECT e.ap_id, ts_rank(e.search, q.q) AS rank
                FROM directory_entries e CROSS JOIN q
                WHERE e.search @@ q.q AND e.facets @> $2
                ORDER BY rank DESC, e.member_count DESC, e.title, e.ap_id
                LIMIT $4 OFFSET $5)
             SELECT {COLUMNS}, best.rank
             FROM best JOIN directory_entries e ON e.ap_id = best.ap_id
             LEFT JOIN instances i ON i.domain = e.host
             ORDER BY best.rank DESC, e.member_count DESC, e.title, e.ap_id",
            words_query(&configs_in_use(conn).await?)
        ),
        (None, None) => format!(
            "SELECT {COLUMNS}, 0::real AS rank
             FROM directory_entries e LEFT JOIN instances i ON i.domain = e.host
             WHERE $1 = '' AND e.facets @> $2
             ORDER BY e.member_count DESC, e.title, e.ap_id
             LIMIT $4 OFFSET $5"
        ),
    };
    let first = search.like.or(search.words).unwrap_or_default();
    diesel::sql_query(sql)
        .into_boxed::<Pg>()
        .bind::<Text, _>(first)
        .bind::<Jsonb, _>(facets)
        .bind::<Timestamptz, _>(search.stale_before)
        .bind::<BigInt, _>(search.limit)
        .bind::<BigInt, _>(search.offset)
        .load(conn)
        .await
}

/// Our own listed communities, one page at a time by id, for the
/// directory collection; and how many there are.
pub async fn local_page(
    conn: &mut AsyncPgConnection,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<String>, i64)> {
    let ids = directory_entries::table
        .filter(directory_entries::local.eq(true))
        .order(directory_entries::ap_id)
        .select(directory_entries::ap_id)
        .offset(offset)
        .limit(limit)
        .load(conn)
        .await?;
    let total = directory_entries::table
        .filter(directory_entries::local.eq(true))
        .count()
        .get_result(conn)
        .await?;
    Ok((ids, total))
}

/// An entry's figures and charter version, as announced with its `Group`.
#[derive(Clone, Debug, Queryable)]
pub struct EntryFigures {
    pub member_count: i64,
    pub next_event_at: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub charter_version: i32,
    pub charter_changed_at: DateTime<Utc>,
}

/// The figures of the entry `ap_id`.
pub async fn figures(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<EntryFigures>> {
    directory_entries::table
        .find(ap_id)
        .select((
            directory_entries::member_count,
            directory_entries::next_event_at,
            directory_entries::last_activity_at,
            directory_entries::charter_version,
            directory_entries::charter_changed_at,
        ))
        .first(conn)
        .await
        .optional()
}
