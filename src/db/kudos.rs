//! The `kudos` table: thanks from a giver to a recipient in a community,
//! with the post that carries it where we hold the community, and the
//! counts behind a community's top contributors.

use super::schema::kudos;
use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{BigInt, Nullable, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// A kudos, given here or received from another server.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = kudos)]
pub struct KudosRow {
    pub id: i64,
    /// The id of the `Note` that carries it.
    pub ap_id: String,
    pub community_id: i64,
    pub giver_id: i64,
    pub recipient_id: i64,
    /// The post that carries it, where the community is held here.
    pub post_id: Option<i64>,
    /// What the giver thanks for, as plain text.
    pub message: String,
    pub category: Option<String>,
    /// The post or event it thanks for (its id).
    pub thanks_for: Option<String>,
    pub local: bool,
    pub published: DateTime<Utc>,
    /// Deleted by its giver or removed by a moderator.
    pub removed: bool,
}

/// A new kudos.
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = kudos)]
pub struct NewKudos<'a> {
    pub ap_id: &'a str,
    pub community_id: i64,
    pub giver_id: i64,
    pub recipient_id: i64,
    pub post_id: Option<i64>,
    pub message: &'a str,
    pub category: Option<&'a str>,
    pub thanks_for: Option<&'a str>,
    pub local: bool,
    pub published: DateTime<Utc>,
}

/// Stores a kudos; `None` when one with its id is already here.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewKudos<'_>,
) -> QueryResult<Option<KudosRow>> {
    diesel::insert_into(kudos::table)
        .values(new)
        .on_conflict(kudos::ap_id)
        .do_nothing()
        .returning(KudosRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Links a kudos kept without a post to the post that now carries it.
pub async fn attach_post(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
    post_id: i64,
) -> QueryResult<()> {
    diesel::update(
        kudos::table
            .filter(kudos::ap_id.eq(ap_id))
            .filter(kudos::post_id.is_null()),
    )
    .set(kudos::post_id.eq(post_id))
    .execute(conn)
    .await
    .map(|_| ())
}

/// A kudos by id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<KudosRow>> {
    kudos::table
        .find(id)
        .select(KudosRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The kudos a post carries.
pub async fn find_by_post(
    conn: &mut AsyncPgConnection,
    post_id: i64,
) -> QueryResult<Option<KudosRow>> {
    kudos::table
        .filter(kudos::post_id.eq(post_id))
        .select(KudosRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The kudos the posts `post_ids` carry.
pub async fn find_by_posts(
    mut conn: &AsyncPgConnection,
    post_ids: &[i64],
) -> QueryResult<Vec<KudosRow>> {
    kudos::table
        .filter(kudos::post_id.eq_any(post_ids))
        .select(KudosRow::as_select())
        .load(&mut conn)
        .await
}

/// A kudos by the id of its `Note`.
pub async fn find_by_ap_id(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<KudosRow>> {
    kudos::table
        .filter(kudos::ap_id.eq(ap_id))
        .select(KudosRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A community's kudos wall: newest first, before the kudos `before`.
pub async fn list_community(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<KudosRow>> {
    let mut query = kudos::table
        .filter(kudos::community_id.eq(community_id))
        .filter(kudos::removed.eq(false))
        .select(KudosRow::as_select())
        .order(kudos::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(kudos::id.lt(before));
    }
    query.load(conn).await
}

/// Which of a person's kudos to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Received,
    Given,
    Both,
}

/// A person's kudos, received and/or given, in every community: newest
/// first, before the kudos `before`.
pub async fn list_person(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    role: Role,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<KudosRow>> {
    let mut query = kudos::table
        .filter(kudos::removed.eq(false))
        .select(KudosRow::as_select())
        .order(kudos::id.desc())
        .limit(limit)
        .into_boxed();
    query = match role {
        Role::Received => query.filter(kudos::recipient_id.eq(person_id)),
        Role::Given => query.filter(kudos::giver_id.eq(person_id)),
        Role::Both => query.filter(
            kudos::recipient_id
                .eq(person_id)
                .or(kudos::giver_id.eq(person_id)),
        ),
    };
    if let Some(before) = before {
        query = query.filter(kudos::id.lt(before));
    }
    query.load(conn).await
}

/// How many kudos a person received in a community (not removed).
pub async fn count_received(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    recipient_id: i64,
) -> QueryResult<i64> {
    kudos::table
        .filter(kudos::community_id.eq(community_id))
        .filter(kudos::recipient_id.eq(recipient_id))
        .filter(kudos::removed.eq(false))
        .count()
        .get_result(conn)
        .await
}

/// How many kudos a person gave here since `since` (the rate limit).
pub async fn count_given_since(
    conn: &mut AsyncPgConnection,
    giver_id: i64,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    kudos::table
        .filter(kudos::giver_id.eq(giver_id))
        .filter(kudos::local.eq(true))
        .filter(kudos::published.ge(since))
        .count()
        .get_result(conn)
        .await
}

/// Hides (or shows again) the kudos a post carries, as the post is.
pub async fn follow_post(conn: &mut AsyncPgConnection, post_id: i64) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE kudos SET removed = p.deleted OR p.removed FROM posts p \
         WHERE kudos.post_id = p.id AND p.id = $1",
    )
    .bind::<BigInt, _>(post_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Hides every kudos a person gave (their account is gone).
pub async fn remove_given(conn: &mut AsyncPgConnection, giver_id: i64) -> QueryResult<()> {
    diesel::update(kudos::table.filter(kudos::giver_id.eq(giver_id)))
        .set(kudos::removed.eq(true))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Hides (or shows again) a kudos no post of ours carries.
pub async fn set_removed(conn: &mut AsyncPgConnection, id: i64, removed: bool) -> QueryResult<()> {
    diesel::update(kudos::table.find(id))
        .set(kudos::removed.eq(removed))
        .execute(conn)
        .await
        .map(|_| ())
}

/// What one person contributed to a community in a period.
#[derive(Clone, Debug, QueryableByName, PartialEq, Eq)]
pub struct Contribution {
    #[diesel(sql_type = BigInt)]
    pub person_id: i64,
    #[diesel(sql_type = BigInt)]
    pub kudos: i64,
    #[diesel(sql_type = BigInt)]
    pub posts: i64,
    #[diesel(sql_type = BigInt)]
    pub replies: i64,
    #[diesel(sql_type = BigInt)]
    pub events: i64,
}

/// The order of top contributors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RankBy {
    Kudos,
    Posts,
    Replies,
    Events,
}

impl RankBy {
    fn order(self) -> &'static str {
        match self {
            RankBy::Kudos => "kudos DESC, posts DESC, replies DESC, events DESC",
            RankBy::Posts => "posts DESC, replies DESC, kudos DESC, events DESC",
            RankBy::Replies => "replies DESC, posts DESC, kudos DESC, events DESC",
            RankBy::Events => "events DESC, kudos DESC, posts DESC, replies DESC",
        }
    }
}

/// A community's top contributors since `since` (all time: `None`): kudos
/// received, posts, replies and events organised per person, the first
/// `limit` by `rank`. Each count reads one index of its table.
pub async fn top_contributors(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    since: Option<DateTime<Utc>>,
    rank: RankBy,
    limit: i64,
) -> QueryResult<Vec<Contribution>> {
    let sql = format!(
        "SELECT person_id, sum(k)::int8 AS kudos, sum(p)::int8 AS posts, \
                sum(r)::int8 AS replies, sum(e)::int8 AS events FROM ( \
           SELECT recipient_id AS person_id, count(*) AS k, 0 AS p, 0 AS r, 0 AS e \
             FROM kudos WHERE community_id = $1 AND NOT removed \
              AND ($2::timestamptz IS NULL OR published >= $2) GROUP BY recipient_id \
           UNION ALL \
           SELECT author_id, 0, count(*) FILTER (WHERE parent_id IS NULL), \
                  count(*) FILTER (WHERE parent_id IS NOT NULL), 0 \
             FROM posts WHERE community_id = $1 AND NOT deleted AND NOT removed \
              AND author_id IS NOT NULL \
              AND ($2::timestamptz IS NULL OR published >= $2) GROUP BY author_id \
           UNION ALL \
           SELECT organiser_id, 0, 0, 0, count(*) \
             FROM events WHERE community_id = $1 AND series_id IS NULL \
              AND ($2::timestamptz IS NULL OR published >= $2) GROUP BY organiser_id \
         ) counts GROUP BY person_id ORDER BY {}, person_id LIMIT $3",
        rank.order()
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(community_id)
        .bind::<Nullable<Timestamptz>, _>(since)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
}
