//! Changing published posts: the author edits or deletes them, through the
//! shared write path (`store`) with a local origin.

use super::{
    PostView,
    store::{self, Origin},
    view, visible,
};
use crate::{
    db::person::PersonRow,
    domain::{FieldError, markdown},
    error::{AppError, AppResult},
    services::AppState,
};

/// Replaces the title and/or content of one's own post.
pub async fn edit_post(
    state: &AppState,
    person: &PersonRow,
    post_id: i64,
    title: Option<String>,
    content: Option<String>,
) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let post = visible(&mut conn, post_id).await?;
    if post.author_id != person.id {
        return Err(AppError::forbidden("only the author may edit a post"));
    }
    let title = match title {
        Some(t) if post.parent_id.is_some() => {
            return Err(
                FieldError::new("title", format!("replies have no title, got `{t}`")).into(),
            );
        }
        Some(t) => Some(t),
        None => post.title.clone(),
    };
    let source = content.or_else(|| post.source.clone()).unwrap_or_default();
    if source.trim().is_empty() || source.chars().count() > 20_000 {
        return Err(FieldError::new("content", "must be 1 to 20000 characters").into());
    }
    let html = markdown::to_html(&source);
    let row = store::edit(
        &mut conn,
        state,
        &post,
        title.as_deref(),
        &html,
        Some(&source),
        Origin::Local,
    )
    .await?;
    view(&mut conn, row).await
}

/// Deletes one's own post; it then answers with a `Tombstone`.
pub async fn delete_post(state: &AppState, person: &PersonRow, post_id: i64) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    let post = visible(&mut conn, post_id).await?;
    if post.author_id != person.id {
        return Err(AppError::forbidden("only the author may delete a post"));
    }
    store::set_deleted(&mut conn, state, &post, true, Origin::Local).await
}
