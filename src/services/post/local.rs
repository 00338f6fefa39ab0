//! What local people do with posts: publish, reply, like. The change goes
//! through the shared write path (`store`) with a local origin.

use super::{
    PostView,
    store::{self, Draft, Origin},
    view, visible,
};
use crate::{
    db::{
        self, DbConn,
        community::CommunityRow,
        person::PersonRow,
        post::{PostContent, PostRow},
    },
    domain::{FieldError, markdown, media::Attachments, post::check_content_warning},
    error::{AppError, AppResult},
    services::AppState,
};
use chrono::Utc;

const MAX_TITLE: usize = 200;
const MAX_CONTENT: usize = 20_000;

/// What one of our people writes: a title (top-level posts only),
/// Markdown, and an optional content warning.
#[derive(Clone, Debug, Default)]
pub struct Writing {
    pub title: Option<String>,
    pub content: String,
    pub content_warning: Option<String>,
}

/// Our people's posts carry no media (we host none).
static NO_MEDIA: Attachments = Attachments(Vec::new());

/// The stored content of what one of our people wrote (`html` rendered
/// from `source`); a content warning marks it sensitive.
pub(super) fn content<'a>(
    title: Option<&'a str>,
    html: &'a str,
    source: &'a str,
    warning: Option<&'a str>,
) -> PostContent<'a> {
    PostContent {
        title,
        title_derived: false,
        content: html,
        source: Some(source),
        content_warning: warning,
        sensitive: warning.is_some(),
        attachments: &NO_MEDIA,
        updated: None,
    }
}

/// Checks a title, Markdown content and content warning.
pub(super) fn check(
    title: Option<&str>,
    content: &str,
    warning: Option<&str>,
) -> Result<(), FieldError> {
    if let Some(warning) = warning {
        check_content_warning(warning)?;
    }
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
    writing: &Writing,
) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    write(state, &mut conn, author, community, None, writing).await
}

/// Replies to a post (in its community, local or remote).
pub async fn reply(
    state: &AppState,
    author: &PersonRow,
    parent_id: i64,
    content: &str,
    content_warning: Option<String>,
) -> AppResult<PostView> {
    let writing = Writing {
        title: None,
        content: content.to_string(),
        content_warning,
    };
    let mut conn = state.pool.get().await?;
    let parent = visible(&mut conn, parent_id).await?;
    let community = db::community::find(&mut conn, parent.community_id)
        .await?
        .ok_or_else(|| AppError::not_found("the community is gone"))?;
    write(
        state,
        &mut conn,
        author,
        &community,
        Some(&parent),
        &writing,
    )
    .await
}

async fn write(
    state: &AppState,
    conn: &mut DbConn,
    author: &PersonRow,
    community: &CommunityRow,
    parent: Option<&PostRow>,
    writing: &Writing,
) -> AppResult<PostView> {
    let title = writing.title.as_deref();
    let warning = writing.content_warning.as_deref().map(str::trim);
    check(title, &writing.content, warning)?;
    let html = markdown::to_html(&writing.content);
    let draft = Draft {
        ap_id: None,
        content: content(title, &html, &writing.content, warning),
        published: Utc::now(),
        kudos: None,
    };
    let row = store::create(conn, state, community, author, parent, draft, Origin::Local).await?;
    view(conn, row).await
}

/// Likes a post (idempotent) and federates the `Like`.
pub async fn like(state: &AppState, person: &PersonRow, post_id: i64) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let post = visible(&mut conn, post_id).await?;
    let like_id = state.urls.activity_id("Like").to_string();
    store::vote(
        &mut conn,
        state,
        &post,
        person,
        Some(&like_id),
        Origin::Local,
    )
    .await?;
    let row = visible(&mut conn, post_id).await?;
    view(&mut conn, row).await
}

/// Takes a like back and federates `Undo{Like}`.
pub async fn unlike(state: &AppState, person: &PersonRow, post_id: i64) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let post = visible(&mut conn, post_id).await?;
    store::vote(&mut conn, state, &post, person, None, Origin::Local).await?;
    let row = visible(&mut conn, post_id).await?;
    view(&mut conn, row).await
}
