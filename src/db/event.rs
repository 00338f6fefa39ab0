//! The `events` table: one-off events, recurring series and their
//! materialised occurrences, local or remote.

use super::schema::events;
use crate::domain::event::{EventStatus, JoinMode, Place};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// An event, a series or an occurrence of a series.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub ap_id: String,
    pub community_id: i64,
    pub organiser_id: i64,
    pub series_id: Option<i64>,
    pub occurrence_start: Option<NaiveDateTime>,
    pub title: String,
    pub description: String,
    pub source: Option<String>,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub timezone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<Place>,
    pub online_url: Option<String>,
    pub capacity: Option<i32>,
    pub join_mode: JoinMode,
    pub status: EventStatus,
    pub practice: Option<String>,
    pub rrule: Option<String>,
    pub sequence: i32,
    pub local: bool,
    pub remote_going: Option<i32>,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
}

/// What an event says: everything but its identity and place in a series.
#[derive(Clone, Debug)]
pub struct EventFields {
    pub title: String,
    pub description: String,
    pub source: Option<String>,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub timezone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<Place>,
    pub online_url: Option<String>,
    pub capacity: Option<i32>,
    pub join_mode: JoinMode,
    pub status: EventStatus,
    pub practice: Option<String>,
    pub rrule: Option<String>,
    pub remote_going: Option<i32>,
}

/// Where a new event belongs.
#[derive(Clone, Debug)]
pub struct EventIdentity<'a> {
    pub ap_id: &'a str,
    pub community_id: i64,
    pub organiser_id: i64,
    pub series_id: Option<i64>,
    pub occurrence_start: Option<NaiveDateTime>,
    pub local: bool,
}

/// The next event id (local events need it for their ActivityPub id).
pub async fn next_id(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "nextval('events_id_seq')",
    ))
    .get_result(conn)
    .await
}

/// What an event says, as its columns (shared by insert and update).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = events, treat_none_as_null = true)]
struct Said<'a> {
    title: &'a str,
    description: &'a str,
    source: Option<&'a str>,
    starts_local: NaiveDateTime,
    ends_local: NaiveDateTime,
    timezone: &'a str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    place: Option<serde_json::Value>,
    online_url: Option<&'a str>,
    capacity: Option<i32>,
    join_mode: &'static str,
    status: &'static str,
    practice: Option<&'a str>,
    rrule: Option<&'a str>,
    remote_going: Option<i32>,
}

impl EventFields {
    fn said(&self) -> QueryResult<Said<'_>> {
        Ok(Said {
            title: &self.title,
            description: &self.description,
            source: self.source.as_deref(),
            starts_local: self.starts_local,
            ends_local: self.ends_local,
            timezone: &self.timezone,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            place: self.place.as_ref().map(super::typed::to_json).transpose()?,
            online_url: self.online_url.as_deref(),
            capacity: self.capacity,
            join_mode: self.join_mode.as_str(),
            status: self.status.as_str(),
            practice: self.practice.as_deref(),
            rrule: self.rrule.as_deref(),
            remote_going: self.remote_going,
        })
    }
}

/// Inserts an event with a given id (from [`next_id`]; `None` for remote ones).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    id: Option<i64>,
    who: &EventIdentity<'_>,
    fields: &EventFields,
) -> QueryResult<EventRow> {
    diesel::insert_into(events::table)
        .values((
            id.map(|id| events::id.eq(id)),
            events::ap_id.eq(who.ap_id),
            events::community_id.eq(who.community_id),
            events::organiser_id.eq(who.organiser_id),
            events::series_id.eq(who.series_id),
            events::occurrence_start.eq(who.occurrence_start),
            events::local.eq(who.local),
            fields.said()?,
        ))
        .returning(EventRow::as_returning())
        .get_result(conn)
        .await
}

/// Replaces what an event says and raises its `sequence`.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    fields: &EventFields,
) -> QueryResult<EventRow> {
    diesel::update(events::table.find(id))
        .set((
            fields.said()?,
            events::sequence.eq(events::sequence + 1),
            events::updated.eq(Some(Utc::now())),
        ))
        .returning(EventRow::as_returning())
        .get_result(conn)
        .await
}

/// The event `id`.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<EventRow>> {
    events::table
        .find(id)
        .select(EventRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The event with ActivityPub id `ap_id`.
pub async fn find_by_ap_id(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<EventRow>> {
    events::table
        .filter(events::ap_id.eq(ap_id))
        .select(EventRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Locks the event `id` for the rest of the transaction (RSVPs against
/// its capacity).
pub async fn lock(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<EventRow>> {
    events::table
        .find(id)
        .select(EventRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// A community's events that people attend (one-off events and
/// occurrences, not the series themselves), ending after `from` (upcoming)
/// or before it (`past`, newest first); at most `limit`.
pub async fn list(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    from: DateTime<Utc>,
    past: bool,
    limit: i64,
) -> QueryResult<Vec<EventRow>> {
    let query = events::table
        .filter(events::community_id.eq(community_id))
        .filter(events::rrule.is_null().or(events::series_id.is_not_null()))
        .select(EventRow::as_select())
        .limit(limit);
    if past {
        query
            .filter(events::ends_at.lt(from))
            .order(events::starts_at.desc())
            .load(conn)
            .await
    } else {
        query
            .filter(events::ends_at.ge(from))
            .order(events::starts_at.asc())
            .load(conn)
            .await
    }
}

/// Every event of a community for its calendar feed: one-off events,
/// series, and occurrences, oldest first, at most `limit`.
pub async fn calendar(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    limit: i64,
) -> QueryResult<Vec<EventRow>> {
    events::table
        .filter(events::community_id.eq(community_id))
        .select(EventRow::as_select())
        .order((events::starts_at.asc(), events::id.asc()))
        .limit(limit)
        .load(conn)
        .await
}

/// The occurrences of a series, by start.
pub async fn occurrences(
    conn: &mut AsyncPgConnection,
    series_id: i64,
) -> QueryResult<Vec<EventRow>> {
    occurrences_of(conn, &[series_id]).await
}

/// The occurrences of any of the series `series_ids`, by start. One query.
pub async fn occurrences_of(
    mut conn: &AsyncPgConnection,
    series_ids: &[i64],
) -> QueryResult<Vec<EventRow>> {
    events::table
        .filter(events::series_id.eq_any(series_ids))
        .select(EventRow::as_select())
        .order(events::occurrence_start.asc())
        .load(&mut conn)
        .await
}

/// Ids of local series (not cancelled) with fewer than `window`
/// occurrences ending after `now`.
pub async fn series_short_of(
    conn: &mut AsyncPgConnection,
    window: i64,
    now: DateTime<Utc>,
) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let ids: Vec<Id> = diesel::sql_query(
        "SELECT s.id FROM events s
          WHERE s.local AND s.rrule IS NOT NULL AND s.series_id IS NULL AND s.status <> 'cancelled'
            AND (SELECT count(*) FROM events o WHERE o.series_id = s.id AND o.ends_at >= $1) < $2",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::BigInt, _>(window)
    .load(conn)
    .await?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// Deletes an event (and, for a series, its occurrences).
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(events::table.find(id))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Events of our own communities.
pub async fn count_local(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    events::table
        .filter(events::local.eq(true))
        .count()
        .get_result(conn)
        .await
}
