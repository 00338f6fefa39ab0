//! What local people do with posts: publish, reply, edit, delete, like.
//! Each change and the activities it causes commit in one transaction.

use super::{
    PostView,
    standing::{self, Origin},
    view, visible,
};
use crate::{
    db::{self, DbConn, community::CommunityRow, person::PersonRow, post::PostRow},
    domain::{FieldError, markdown},
    error::{AppError, AppResult},
    services::{AppState, outgoing::Outgoing},
};
use chrono::Utc;
use diesel_async::AsyncConnection;

const MAX_TITLE: usize = 200;
const MAX_CONTENT: usize = 20_000;

fn check(title: Option<&str>, content: &str) -> Result<(), FieldError> {
    if let Some(title) = title {
        let len = title.trim().chars().count();
        if len == 0 || len > MAX_TITLE {
            return Err(FieldError::new(
                "title",
                format!("must be 1 to {MAX_TITLE} characters"),
            ));
        }
    }
    let len = content.trim().chars().count();
    if len == 0 || len > MAX_CONTENT {
        return Err(FieldError::new(
            "content",
            format!("must be 1 to {MAX_CONTENT} characters"),
        ));
    }
    Ok(())
}

/// Publishes a new top-level post in `community` (local or remote).
pub async fn create_post(
    state: &AppState,
    author: &PersonRow,
    community: &CommunityRow,
    title: Option<String>,
    content: &str,
) -> AppResult<PostView> {
    check(title.as_deref(), content)?;
    let mut conn = state.pool.get().await?;
    standing::check(&mut conn, community, author, None, Origin::Local).await?;
    insert_and_send(state, &mut conn, author, community, None, title, content).await
}

/// Replies to a post (in its community, local or remote).
pub async fn reply(
    state: &AppState,
    author: &PersonRow,
    parent_id: i64,
    content: &str,
) -> AppResult<PostView> {
    check(None, content)?;
    let mut conn = state.pool.get().await?;
    let parent = visible(&mut conn, parent_id).await?;
    let community = db::community::find(&mut conn, parent.community_id)
        .await?
        .ok_or_else(|| AppError::not_found("the community is gone"))?;
    standing::check(&mut conn, &community, author, Some(&parent), Origin::Local).await?;
    insert_and_send(
        state,
        &mut conn,
        author,
        &community,
        Some(&parent),
        None,
        content,
    )
    .await
}

async fn insert_and_send(
    state: &AppState,
    conn: &mut DbConn,
    author: &PersonRow,
    community: &CommunityRow,
    parent: Option<&PostRow>,
    title: Option<String>,
    content: &str,
) -> AppResult<PostView> {
    let html = markdown::to_html(content);
    let urls = &state.urls;
    let row = conn
        .transaction(async |conn| {
            let id = db::post::next_id(conn).await?;
            let ap_id = urls.post(id).to_string();
            let row = db::post::insert_with_id(
                conn,
                id,
                &db::post::NewPost {
                    ap_id: &ap_id,
                    community_id: community.id,
                    author_id: author.id,
                    parent_id: parent.map(|p| p.id),
                    root_id: parent.map(|p| p.root_id.unwrap_or(p.id)),
                    local: true,
                    title: title.as_deref(),
                    content: &html,
                    source: Some(content),
                    published: Utc::now(),
                },
            )
            .await?;
            state
                .emit(conn, Outgoing::PostCreated { post_id: row.id })
                .await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    view(conn, row).await
}

/// Likes a post (idempotent) and federates the `Like`.
pub async fn like(state: &AppState, person: &PersonRow, post_id: i64) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let post = visible(&mut conn, post_id).await?;
    let like_id = state.urls.activity_id("Like").to_string();
    conn.transaction(async |conn| {
        if db::post::like(conn, post.id, person.id, Some(like_id.as_str())).await? {
            let event = Outgoing::Liked {
                post_id: post.id,
                person_id: person.id,
                like_id,
            };
            state.emit(conn, event).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    let row = visible(&mut conn, post_id).await?;
    view(&mut conn, row).await
}

/// Takes a like back and federates `Undo{Like}`.
pub async fn unlike(state: &AppState, person: &PersonRow, post_id: i64) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let post = visible(&mut conn, post_id).await?;
    conn.transaction(async |conn| {
        if let Some(Some(like_id)) = db::post::unlike(conn, post.id, person.id).await? {
            let event = Outgoing::Unliked {
                post_id: post.id,
                person_id: person.id,
                like_id,
            };
            state.emit(conn, event).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    let row = visible(&mut conn, post_id).await?;
    view(&mut conn, row).await
}
