//! The `posts` and `post_likes` tables: posts and replies (threads) in
//! communities, local or remote, and who liked them.

use super::{
    person::PersonRow,
    schema::{people, post_likes, posts},
};
use crate::domain::{media::Attachments, milestone::MilestoneKind};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// A post or reply.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct PostRow {
    pub id: i64,
    pub ap_id: String,
    pub community_id: i64,
    /// The person who wrote it; `None` for a post by the community itself.
    pub author_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub root_id: Option<i64>,
    pub local: bool,
    pub title: Option<String>,
    pub content: String,
    pub source: Option<String>,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
    pub deleted: bool,
    pub removed: bool,
    pub locked: bool,
    /// Shown before the content, which stays behind it.
    pub content_warning: Option<String>,
    pub sensitive: bool,
    /// True when `title` was derived from the text (an edit derives it again).
    pub title_derived: bool,
    pub attachments: Attachments,
    /// For a post by the community itself: the milestone it celebrates.
    pub milestone: Option<MilestoneKind>,
}

/// What a post says: all that an edit replaces.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = posts, treat_none_as_null = true)]
pub struct PostContent<'a> {
    pub title: Option<&'a str>,
    pub title_derived: bool,
    /// Sanitised HTML.
    pub content: &'a str,
    /// The Markdown source (local posts).
    pub source: Option<&'a str>,
    pub content_warning: Option<&'a str>,
    pub sensitive: bool,
    #[diesel(serialize_as = super::typed::AttachmentsJson<'a>)]
    pub attachments: &'a Attachments,
    /// When its author last changed it (`None` for a new post never edited).
    pub updated: Option<DateTime<Utc>>,
}

/// Where a new post goes (its content is a [`PostContent`]).
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost<'a> {
    pub ap_id: &'a str,
    pub community_id: i64,
    /// `None` for a post by the community itself.
    pub author_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub root_id: Option<i64>,
    pub local: bool,
    pub published: DateTime<Utc>,
    /// The milestone a post by the community itself celebrates.
    pub milestone: Option<&'a str>,
}

/// The next post id (local posts need it for their ActivityPub id).
pub async fn next_id(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "nextval('posts_id_seq')",
    ))
    .get_result(conn)
    .await
}

/// Inserts a post with a given id (from [`next_id`]).
pub async fn insert_with_id(
    conn: &mut AsyncPgConnection,
    id: i64,
    new: &NewPost<'_>,
    content: PostContent<'_>,
) -> QueryResult<PostRow> {
    diesel::insert_into(posts::table)
        .values((posts::id.eq(id), new, content))
        .returning(PostRow::as_returning())
        .get_result(conn)
        .await
}

/// Inserts a remote post unless its id is known; returns the stored row.
pub async fn insert_remote(
    conn: &mut AsyncPgConnection,
    new: &NewPost<'_>,
    content: PostContent<'_>,
) -> QueryResult<PostRow> {
    diesel::insert_into(posts::table)
        .values((new, content))
        .on_conflict(posts::ap_id)
        .do_nothing()
        .execute(conn)
        .await?;
    find_by_ap_id(conn, new.ap_id)
        .await?
        .ok_or(diesel::result::Error::NotFound)
}

/// Inserts remote posts whose ids are not known yet, in one statement;
/// returns the rows it stored (a known id is left out).
pub async fn insert_remote_many(
    conn: &mut AsyncPgConnection,
    posts: Vec<(NewPost<'_>, PostContent<'_>)>,
) -> QueryResult<Vec<PostRow>> {
    diesel::insert_into(posts::table)
        .values(posts)
        .on_conflict(posts::ap_id)
        .do_nothing()
        .returning(PostRow::as_returning())
        .get_results(conn)
        .await
}

/// A post by id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<PostRow>> {
    posts::table
        .find(id)
        .select(PostRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Posts by ids, in any order.
pub async fn find_many(mut conn: &AsyncPgConnection, ids: &[i64]) -> QueryResult<Vec<PostRow>> {
    posts::table
        .filter(posts::id.eq_any(ids))
        .select(PostRow::as_select())
        .load(&mut conn)
        .await
}

/// Posts by ActivityPub ids, in any order.
pub async fn find_by_ap_ids(
    mut conn: &AsyncPgConnection,
    ap_ids: &[&str],
) -> QueryResult<Vec<PostRow>> {
    posts::table
        .filter(posts::ap_id.eq_any(ap_ids))
        .select(PostRow::as_select())
        .load(&mut conn)
        .await
}

/// A post by ActivityPub id.
pub async fn find_by_ap_id(
    conn: &mut AsyncPgConnection,
    ap_id: &str,
) -> QueryResult<Option<PostRow>> {
    posts::table
        .filter(posts::ap_id.eq(ap_id))
        .select(PostRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Top-level posts of a community, newest first, before the `before` id cursor.
pub async fn list_top(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<PostRow>> {
    let mut query = posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::parent_id.is_null())
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .order(posts::id.desc())
        .limit(limit)
        .select(PostRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(posts::id.lt(before));
    }
    query.load(conn).await
}

/// Direct replies to a post, oldest first: those not deleted, and the
/// deleted ones that have replies (as tombstones, which keep the thread).
pub async fn replies(conn: &mut AsyncPgConnection, parent_id: i64) -> QueryResult<Vec<PostRow>> {
    let children = diesel::alias!(posts as children);
    let answered = diesel::dsl::exists(
        children
            .filter(children.field(posts::parent_id).eq(posts::id.nullable()))
            .filter(children.field(posts::removed).eq(false)),
    );
    posts::table
        .filter(posts::parent_id.eq(parent_id))
        .filter(posts::deleted.eq(false).or(answered))
        .filter(posts::removed.eq(false))
        .order(posts::id.asc())
        .select(PostRow::as_select())
        .load(conn)
        .await
}

/// Replaces what a post says.
pub async fn update_content(
    conn: &mut AsyncPgConnection,
    id: i64,
    content: PostContent<'_>,
) -> QueryResult<PostRow> {
    diesel::update(posts::table.find(id))
        .set(content)
        .returning(PostRow::as_returning())
        .get_result(conn)
        .await
}

/// Marks a post deleted by its author (or, with `false`, restored by them).
pub async fn set_deleted(conn: &mut AsyncPgConnection, id: i64, deleted: bool) -> QueryResult<()> {
    diesel::update(posts::table.find(id))
        .set((
            posts::deleted.eq(deleted),
            posts::updated.eq(Some(Utc::now())),
        ))
        .execute(conn)
        .await?;
    super::kudos::follow_post(conn, id).await
}

/// Turns every post of an author into a tombstone: deleted, with nothing
/// left of what it said, but in its place in its thread (the replies under
/// it stay); the kudos they gave go too. Returns the communities the posts were in.
pub async fn tombstone_by_author(
    conn: &mut AsyncPgConnection,
    author_id: i64,
) -> QueryResult<Vec<i64>> {
    let nothing = Attachments::default();
    let erased = PostContent {
        title: None,
        title_derived: false,
        content: "",
        source: None,
        content_warning: None,
        sensitive: false,
        attachments: &nothing,
        updated: Some(Utc::now()),
    };
    let mut communities: Vec<i64> =
        diesel::update(posts::table.filter(posts::author_id.eq(author_id)))
            .set((erased, posts::deleted.eq(true)))
            .returning(posts::community_id)
            .get_results(conn)
            .await?;
    super::kudos::remove_given(conn, author_id).await?;
    communities.sort_unstable();
    communities.dedup();
    Ok(communities)
}

/// Sets whether moderators removed a post.
pub async fn set_removed(conn: &mut AsyncPgConnection, id: i64, removed: bool) -> QueryResult<()> {
    diesel::update(posts::table.find(id))
        .set(posts::removed.eq(removed))
        .execute(conn)
        .await?;
    super::kudos::follow_post(conn, id).await
}

/// Sets whether a thread is locked.
pub async fn set_locked(conn: &mut AsyncPgConnection, id: i64, locked: bool) -> QueryResult<()> {
    diesel::update(posts::table.find(id))
        .set(posts::locked.eq(locked))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records a like (idempotent); true when it is new.
pub async fn like(
    conn: &mut AsyncPgConnection,
    post_id: i64,
    person_id: i64,
    ap_id: Option<&str>,
) -> QueryResult<bool> {
    diesel::insert_into(post_likes::table)
        .values((
            post_likes::post_id.eq(post_id),
            post_likes::person_id.eq(person_id),
            post_likes::ap_id.eq(ap_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n > 0)
}

/// Removes a like; returns the Like activity id it had, if it existed.
pub async fn unlike(
    conn: &mut AsyncPgConnection,
    post_id: i64,
    person_id: i64,
) -> QueryResult<Option<Option<String>>> {
    diesel::delete(post_likes::table.find((post_id, person_id)))
        .returning(post_likes::ap_id)
        .get_result(conn)
        .await
        .optional()
}

/// The post and the liker of the like whose `Like` had the id `like_ap_id`
/// (for `Undo{object: "<id>"}`).
pub async fn like_by_id(
    conn: &mut AsyncPgConnection,
    like_ap_id: &str,
) -> QueryResult<Option<(PostRow, PersonRow)>> {
    post_likes::table
        .inner_join(posts::table)
        .inner_join(people::table.on(people::id.eq(post_likes::person_id)))
        .filter(post_likes::ap_id.eq(like_ap_id))
        .select((PostRow::as_select(), PersonRow::as_select()))
        .first(conn)
        .await
        .optional()
}

/// Withdraws every like a person gave.
pub async fn unlike_all(conn: &mut AsyncPgConnection, person_id: i64) -> QueryResult<usize> {
    diesel::delete(post_likes::table.filter(post_likes::person_id.eq(person_id)))
        .execute(conn)
        .await
}

/// Number of likes of a post.
pub async fn like_count(conn: &mut AsyncPgConnection, post_id: i64) -> QueryResult<i64> {
    post_likes::table
        .filter(post_likes::post_id.eq(post_id))
        .count()
        .get_result(conn)
        .await
}

/// Likes of each of `post_ids` that has any, as `(post id, likes)`.
pub async fn like_counts(
    mut conn: &AsyncPgConnection,
    post_ids: &[i64],
) -> QueryResult<Vec<(i64, i64)>> {
    post_likes::table
        .filter(post_likes::post_id.eq_any(post_ids))
        .group_by(post_likes::post_id)
        .select((post_likes::post_id, diesel::dsl::count_star()))
        .load(&mut conn)
        .await
}

/// Local top-level posts and local replies that are not deleted.
pub async fn count_local(conn: &mut AsyncPgConnection) -> QueryResult<(i64, i64)> {
    let local = posts::table
        .filter(posts::local.eq(true))
        .filter(posts::deleted.eq(false));
    let top = local
        .filter(posts::parent_id.is_null())
        .count()
        .get_result(conn)
        .await?;
    let replies = local
        .filter(posts::parent_id.is_not_null())
        .count()
        .get_result(conn)
        .await?;
    Ok((top, replies))
}
