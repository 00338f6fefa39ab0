//! Changing published posts: the author edits or deletes them, through the
//! shared write path (`store`) with a local origin.

use super::{
    PostView, local,
    store::{self, Origin},
    view, visible,
};
use crate::{
    db::person::PersonRow,
    domain::{FieldError, markdown},
    error::{AppError, AppResult},
    services::AppState,
};

/// What an edit changes: a field left `None` stays as it is, and
/// `content_warning: Some(None)` takes the warning away.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    pub title: Option<String>,
    pub content: Option<String>,
    pub content_warning: Option<Option<String>>,
}

/// Replaces the title, content and/or content warning of one's own post.
pub async fn edit_post(
    state: &AppState,
    person: &PersonRow,
    post_id: i64,
    changes: Changes,
) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let post = visible(&mut conn, post_id).await?;
    if post.author_id != Some(person.id) {
        return Err(AppError::forbidden("only the author may edit a post"));
    }
    let title = match changes.title {
        Some(t) if post.parent_id.is_some() => {
            return Err(
                FieldError::new("title", format!("replies have no title, got `{t}`")).into(),
            );
        }
        Some(t) => Some(t),
        None => post.title.clone(),
    };
    let source = changes
        .content
        .or_else(|| post.source.clone())
        .unwrap_or_default();
    let warning = match changes.content_warning {
        Some(warning) => warning,
        None => post.content_warning.clone(),
    };
    let warning = warning.as_deref().map(str::trim);
    local::check(title.as_deref(), &source, warning)?;
    let html = markdown::to_html(&source);
    let mut content = local::content(title.as_deref(), &html, &source, warning);
    content.updated = Some(chrono::Utc::now());
    let row = store::edit(&mut conn, state, &post, content, Origin::Local).await?;
    view(&mut conn, row).await
}

/// Deletes one's own post; it then answers with a `Tombstone`.
pub async fn delete_post(state: &AppState, person: &PersonRow, post_id: i64) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    let post = visible(&mut conn, post_id).await?;
    if post.author_id != Some(person.id) {
        return Err(AppError::forbidden("only the author may delete a post"));
    }
    store::set_deleted(&mut conn, state, &post, true, Origin::Local).await
}
