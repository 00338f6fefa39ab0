//! Posts and replies: what local people do (`local`, `edit`), what arrives
//! from other servers (`remote`), and who may post or reply (`standing`).

pub mod edit;
pub mod local;
pub mod remote;
pub mod standing;
pub mod store;

use super::AppState;
use crate::{
    db::{self, DbConn, community::CommunityRow, person::PersonRow, post::PostRow},
    error::{AppError, AppResult},
};

/// A post with its community, author and like count, as readers see it.
#[derive(Clone, Debug)]
pub struct PostView {
    pub row: PostRow,
    pub community: CommunityRow,
    pub author: PersonRow,
    pub likes: i64,
}

/// Loads the view of a post row.
pub async fn view(conn: &mut DbConn, row: PostRow) -> AppResult<PostView> {
    let community = db::community::find(conn, row.community_id)
        .await?
        .ok_or_else(|| AppError::not_found("the post's community is gone"))?;
    let author = db::person::find(conn, row.author_id)
        .await?
        .ok_or_else(|| AppError::not_found("the post's author is gone"))?;
    let likes = db::post::like_count(conn, row.id).await?;
    Ok(PostView {
        row,
        community,
        author,
        likes,
    })
}

/// A visible post by id (404 when unknown, deleted or removed).
pub async fn get_post(state: &AppState, id: i64) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let row = visible(&mut conn, id).await?;
    view(&mut conn, row).await
}

/// Top-level posts of a community (local name or `name@host` we know).
pub async fn list_posts(
    state: &AppState,
    community: &CommunityRow,
    before: Option<i64>,
    limit: i64,
) -> AppResult<(Vec<PostView>, Option<String>)> {
    let mut conn = state.pool.get().await?;
    let rows = db::post::list_top(&mut conn, community.id, before, limit + 1).await?;
    let next = (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1).map(|r| r.id.to_string()))
        .flatten();
    let mut views = Vec::new();
    for row in rows.into_iter().take(limit as usize) {
        views.push(view(&mut conn, row).await?);
    }
    Ok((views, next))
}

/// A post in its thread: visible, or deleted (a tombstone that keeps the
/// replies under it in place); 404 when unknown or removed.
pub async fn get_in_thread(state: &AppState, id: i64) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let row = in_thread(&mut conn, id).await?;
    view(&mut conn, row).await
}

/// Direct replies to a post (a tombstone too), oldest first; deleted
/// replies show as tombstones when replies hang under them.
pub async fn list_replies(state: &AppState, id: i64) -> AppResult<Vec<PostView>> {
    let mut conn = state.pool.get().await?;
    let parent = in_thread(&mut conn, id).await?;
    let mut views = Vec::new();
    for row in db::post::replies(&mut conn, parent.id).await? {
        views.push(view(&mut conn, row).await?);
    }
    Ok(views)
}

async fn in_thread(conn: &mut DbConn, id: i64) -> AppResult<PostRow> {
    db::post::find(conn, id)
        .await?
        .filter(|p| !p.removed)
        .ok_or_else(|| AppError::not_found(format!("no post {id}")))
}

/// A post that is neither deleted nor removed.
pub(crate) async fn visible(conn: &mut DbConn, id: i64) -> AppResult<PostRow> {
    db::post::find(conn, id)
        .await?
        .filter(|p| !p.deleted && !p.removed)
        .ok_or_else(|| AppError::not_found(format!("no post {id}")))
}
