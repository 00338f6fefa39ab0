//! The `directory_terms` and `directory_neighbours` tables: what "like this
//! one" compares of each directory entry, and the entries most like each,
//! kept in the transaction that writes an entry so that the search reads one
//! short list instead of comparing the entry with every other.
//!
//! How alike two entries are: half a point per shared topic plus the cosine
//! of their sets of purpose and domain terms (`hashtext` of each lexeme or
//! topic, compared with `intarray`). The measure is symmetric, so the one
//! pass that scores a written entry against all others also updates their
//! lists.
//!
//! The rule each list keeps: an entry missing from Y's list is at most
//! `neighbour_floor` like Y (`neighbour_count` is the list's length). When
//! X's terms change (or X is new), under [`lock`]:
//! 1. X leaves every list and its own empties ([`leave`]);
//! 2. X is scored against every entry that shares a topic or a term;
//! 3. X's best [`NEIGHBOURS`] become its list, the next one's score its floor;
//! 4. X joins each list whose floor it beats: a list that is full drops its
//!    least entry for X (or refuses X when X is no better), and its floor
//!    rises to the score left out.
//!
//! A list shrinks when one of its entries leaves or falls below the floor;
//! it then still holds the best of the rest, only fewer of them. Entries
//! scoring exactly the floor may be missing from the end of a list.

use diesel::{
    QueryResult,
    sql_types::{Array, BigInt, Jsonb, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The most entries a list holds: five pages of "like this one".
pub const NEIGHBOURS: i64 = 100;

/// Serialises the writes of the directory until the transaction ends: the
/// refresh of one entry reads and changes many lists and floors, which two
/// writes at once would otherwise miss in each other or deadlock on. Call it
/// inside a transaction, before touching any entry.
pub async fn lock(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('directory_entries'))")
        .execute(conn)
        .await
        .map(|_| ())
}

/// Stores what "like this one" compares of the entry `ap_id`: the terms of
/// `purpose` (its purpose and domain) read with `config`, and the topics of
/// `facets`; when they changed (or are new), refreshes the lists. In the
/// caller's transaction, under [`lock`].
pub async fn keep(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
    config: &str,
    purpose: &str,
    facets: &serde_json::Value,
) -> QueryResult<()> {
    let changed = diesel::sql_query(
        "INSERT INTO directory_terms AS t (ap_id, purpose_terms, topic_terms)
         VALUES ($1,
            coalesce((SELECT array_agg(DISTINCT hashtext(l) ORDER BY hashtext(l))
                      FROM unnest(tsvector_to_array(to_tsvector($2::regconfig, $3))) l), '{}'),
            coalesce((SELECT array_agg(DISTINCT hashtext(t) ORDER BY hashtext(t))
                      FROM jsonb_array_elements_text(coalesce($4->'topics', '[]')) t), '{}'))
         ON CONFLICT (ap_id) DO UPDATE SET
            purpose_terms = EXCLUDED.purpose_terms, topic_terms = EXCLUDED.topic_terms
         WHERE t.purpose_terms <> EXCLUDED.purpose_terms OR t.topic_terms <> EXCLUDED.topic_terms",
    )
    .bind::<Text, _>(ap_id)
    .bind::<Text, _>(config)
    .bind::<Text, _>(purpose)
    .bind::<Jsonb, _>(facets)
    .execute(conn)
    .await?;
    if changed > 0 {
        refresh(conn, ap_id).await?;
    }
    Ok(())
}

/// Takes the entries `ap_ids` out of every list and empties theirs (they
/// are about to change or go), keeping the lengths of the others right.
pub async fn leave(conn: &mut AsyncPgConnection, ap_ids: &[String]) -> QueryResult<()> {
    diesel::sql_query(
        "WITH gone AS (
            DELETE FROM directory_neighbours WHERE entry = ANY($1) OR neighbour = ANY($1)
            RETURNING entry)
         UPDATE directory_terms t SET neighbour_count = t.neighbour_count - g.gone_count
         FROM (SELECT entry, count(*)::int AS gone_count FROM gone
               WHERE entry <> ALL($1) GROUP BY entry) g
         WHERE t.ap_id = g.entry",
    )
    .bind::<Array<Text>, _>(ap_ids)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Brings the lists in step with the entry `ap_id`'s terms as now stored
/// (the module's rule).
async fn refresh(conn: &mut AsyncPgConnection, ap_id: &str) -> QueryResult<()> {
    leave(conn, &[ap_id.to_string()]).await?;
    diesel::sql_query(
        "WITH x AS (SELECT purpose_terms, topic_terms FROM directory_terms WHERE ap_id = $1),
         scored AS MATERIALIZED (
            SELECT t.ap_id, t.neighbour_floor, t.neighbour_count,
                (0.5::float8 * icount(t.topic_terms & x.topic_terms)
                 + icount(t.purpose_terms & x.purpose_terms)
                   / sqrt(greatest(icount(t.purpose_terms), 1)::float8
                          * greatest(icount(x.purpose_terms), 1)))::real AS score
            FROM directory_terms t CROSS JOIN x
            WHERE t.ap_id <> $1
              AND (t.topic_terms && x.topic_terms OR t.purpose_terms && x.purpose_terms)),
         nearest AS MATERIALIZED (
            SELECT ap_id, score, row_number() OVER (ORDER BY score DESC, ap_id) AS place
            FROM (SELECT ap_id, score FROM scored ORDER BY score DESC, ap_id LIMIT $2 + 1) best),
         own AS (
            INSERT INTO directory_neighbours (entry, neighbour, score)
            SELECT $1, ap_id, score FROM nearest WHERE place <= $2),
         joining AS MATERIALIZED (
            SELECT s.ap_id, s.score, s.neighbour_floor, s.neighbour_count,
                least_one.neighbour AS least_neighbour, least_one.score AS least_score
            FROM scored s
            LEFT JOIN LATERAL (
                SELECT n.neighbour, n.score FROM directory_neighbours n
                WHERE n.entry = s.ap_id AND s.neighbour_count >= $2
                ORDER BY n.score, n.neighbour DESC LIMIT 1) least_one ON true
            WHERE s.score > s.neighbour_floor),
         joined AS (
            INSERT INTO directory_neighbours (entry, neighbour, score)
            SELECT ap_id, $1, score FROM joining
            WHERE least_score IS NULL OR score > least_score),
         displaced AS (
            DELETE FROM directory_neighbours d USING joining j
            WHERE j.score > j.least_score
              AND d.entry = j.ap_id AND d.neighbour = j.least_neighbour)
         UPDATE directory_terms t SET neighbour_floor = v.floor, neighbour_count = v.listed
         FROM (
            SELECT $1 AS ap_id,
                coalesce((SELECT score FROM nearest WHERE place = $2 + 1), 0) AS floor,
                (SELECT count(*)::int FROM nearest WHERE place <= $2) AS listed
            UNION ALL
            SELECT ap_id,
                CASE WHEN least_score IS NULL THEN neighbour_floor
                     ELSE greatest(neighbour_floor, least(score, least_score)) END,
                CASE WHEN least_score IS NULL THEN neighbour_count + 1
                     ELSE neighbour_count END
            FROM joining) v
         WHERE t.ap_id = v.ap_id",
    )
    .bind::<Text, _>(ap_id)
    .bind::<BigInt, _>(NEIGHBOURS)
    .execute(conn)
    .await
    .map(|_| ())
}
