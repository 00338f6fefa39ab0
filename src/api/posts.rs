//! Posts, replies and likes: `/api/v1/communities/{handle}/posts` and
//! `/api/v1/posts/{id}[/replies|/like]`.

use super::{
    Page,
    auth::{MaybeSignedIn, SignedIn},
    json,
};
use crate::{
    domain::{media::MediaAttachment, milestone::MilestoneKind},
    error::AppResult,
    federation::{context::Federation, handle},
    services::post::{
        self, PostView,
        edit::{self, Changes},
        local::{self, Writing},
    },
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A post as the API shows it.
#[derive(Serialize, Deserialize)]
pub struct PostResponse {
    pub id: i64,
    pub ap_id: String,
    pub community: String,
    /// `name`, `name@host`, or the actor id of an account without a user name.
    pub author: String,
    /// The author's display name, else user name, else the last segment of
    /// their actor id.
    pub author_name: String,
    pub title: Option<String>,
    /// Shown first, with the content behind it.
    pub content_warning: Option<String>,
    /// The author marked the post (or its media) sensitive.
    pub sensitive: bool,
    /// Sanitised HTML.
    pub content: String,
    /// The Markdown source (local posts).
    pub source: Option<String>,
    /// Media, as references to where they live (never copied here).
    pub attachments: Vec<MediaAttachment>,
    pub parent_id: Option<i64>,
    pub root_id: Option<i64>,
    /// For a post by the community itself: the milestone it celebrates
    /// (`author` is then the community).
    pub milestone: Option<MilestoneKind>,
    pub likes: i64,
    pub locked: bool,
    /// A tombstone: deleted, listed only where replies hang under it.
    pub deleted: bool,
    pub local: bool,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
}

impl From<PostView> for PostResponse {
    fn from(mut v: PostView) -> Self {
        if v.row.deleted {
            // A tombstone keeps its place in the thread, not what it said.
            v.row.title = None;
            v.row.content_warning = None;
            v.row.sensitive = false;
            v.row.content.clear();
            v.row.source = None;
            v.row.attachments.0.clear();
        }
        let (author, author_name) = (v.author_handle(), v.author_name());
        let community = &v.community;
        PostResponse {
            id: v.row.id,
            ap_id: v.row.ap_id,
            community: if community.local {
                community.name.clone()
            } else {
                format!("{}@{}", community.name, community.domain)
            },
            author,
            author_name,
            milestone: v.row.milestone,
            title: v.row.title,
            content_warning: v.row.content_warning,
            sensitive: v.row.sensitive,
            content: v.row.content,
            source: v.row.source,
            attachments: v.row.attachments.0,
            parent_id: v.row.parent_id,
            root_id: v.row.root_id,
            likes: v.likes,
            locked: v.row.locked,
            deleted: v.row.deleted,
            local: v.row.local,
            published: v.row.published,
            updated: v.row.updated,
        }
    }
}

/// `POST /api/v1/communities/{handle}/posts` body.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPost {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Markdown.
    pub content: String,
    /// Shown first, with the content behind it (Mastodon's CW).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_warning: Option<String>,
}

/// `POST /api/v1/communities/{handle}/posts` `{title?, content, content_warning?}`
/// (Markdown) → 201.
pub async fn create_post(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: NewPost = json::parse(&body, "")?;
    let community = handle::community(&fed, &path, true).await?;
    let writing = Writing {
        title: input.title,
        content: input.content,
        content_warning: input.content_warning,
    };
    let view = local::create_post(&fed.state, &person, &community, &writing).await?;
    Ok(HttpResponse::Created().json(PostResponse::from(view)))
}

#[derive(Deserialize)]
pub struct ListQuery {
    before: Option<i64>,
    limit: Option<i64>,
}

/// `GET /api/v1/communities/{handle}/posts?before=&limit=`: newest first.
pub async fn list_posts(
    fed: web::Data<Federation>,
    MaybeSignedIn(caller): MaybeSignedIn,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let community = handle::community(&fed, &path, caller.is_some()).await?;
    let limit = query.limit.unwrap_or(20).clamp(1, 100);
    let (views, next) = post::list_posts(&fed.state, &community, query.before, limit).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: views
            .into_iter()
            .map(PostResponse::from)
            .collect::<Vec<_>>(),
        next,
    }))
}

/// `GET /api/v1/posts/{id}`.
pub async fn get_post(fed: web::Data<Federation>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let view = post::get_post(&fed.state, *id).await?;
    Ok(HttpResponse::Ok().json(PostResponse::from(view)))
}

/// `PATCH /api/v1/posts/{id}` body: the fields to change.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// A new content warning, or `null` to take it away.
    #[serde(
        default,
        deserialize_with = "json::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_warning: Option<Option<String>>,
}

/// `PATCH /api/v1/posts/{id}` `{title?, content?, content_warning?}`: the author edits.
pub async fn update_post(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: PostChanges = json::parse(&body, "")?;
    let changes = Changes {
        title: input.title,
        content: input.content,
        content_warning: input.content_warning,
    };
    let view = edit::edit_post(&fed.state, &person, *id, changes).await?;
    Ok(HttpResponse::Ok().json(PostResponse::from(view)))
}

/// `DELETE /api/v1/posts/{id}`: the author deletes.
pub async fn delete_post(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    edit::delete_post(&fed.state, &person, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/posts/{id}/replies` body.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewReply {
    /// Markdown.
    pub content: String,
    /// Shown first, with the content behind it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_warning: Option<String>,
}

/// `POST /api/v1/posts/{id}/replies` `{content, content_warning?}` → 201.
pub async fn create_reply(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: NewReply = json::parse(&body, "")?;
    let view = local::reply(
        &fed.state,
        &person,
        *id,
        &input.content,
        input.content_warning,
    )
    .await?;
    Ok(HttpResponse::Created().json(PostResponse::from(view)))
}

/// `GET /api/v1/posts/{id}/replies`: direct replies, oldest first.
pub async fn list_replies(
    fed: web::Data<Federation>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let views = post::list_replies(&fed.state, *id).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: views
            .into_iter()
            .map(PostResponse::from)
            .collect::<Vec<_>>(),
        next: None,
    }))
}

/// `POST /api/v1/posts/{id}/like`.
pub async fn like_post(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let view = local::like(&fed.state, &person, *id).await?;
    Ok(HttpResponse::Ok().json(PostResponse::from(view)))
}

/// `DELETE /api/v1/posts/{id}/like`.
pub async fn unlike_post(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let view = local::unlike(&fed.state, &person, *id).await?;
    Ok(HttpResponse::Ok().json(PostResponse::from(view)))
}
