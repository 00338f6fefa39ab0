//! Posts arriving from other servers: new posts and replies, edits,
//! deletions and likes. This module reads what the other server sent and
//! who may change what; the change itself goes through the shared write
//! path (`store`) with the incoming activity as its origin, the same rules
//! as our people's, and in a local community it is passed on.

use super::{
    store::{self, Draft, Origin},
    title_from_first_line,
};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow, post::PostRow},
    domain::markdown,
    error::{AppError, AppResult},
    services::AppState,
};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

/// A post as another server sent it, read off its wire object.
#[derive(Clone, Debug)]
pub struct RemotePost {
    pub ap_id: String,
    /// The title (`name`), if any.
    pub title: Option<String>,
    /// HTML, not sanitised yet.
    pub content: Option<String>,
    pub in_reply_to: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// Addressed to the public (not followers-only or direct).
    pub public: bool,
}

fn refuse(reason: impl Into<String>) -> AppError {
    AppError::forbidden(reason)
}

/// Stores a remote post or reply in `community`; `activity` is the stored
/// incoming activity that carried it. A post we already have is returned
/// as it is.
pub async fn receive_post(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    author: &PersonRow,
    object: &RemotePost,
    activity: &str,
) -> AppResult<PostRow> {
    if let Some(existing) = db::post::find_by_ap_id(conn, &object.ap_id).await? {
        return Ok(existing);
    }
    if !object.public {
        return Err(refuse(
            "only public posts are published (this one is followers-only or direct)",
        ));
    }
    let parent = match &object.in_reply_to {
        Some(parent) => Some(
            db::post::find_by_ap_id(conn, parent)
                .await?
                .ok_or_else(|| refuse("a reply to a post we do not know"))?,
        ),
        None => None,
    };
    if parent
        .as_ref()
        .is_some_and(|parent| parent.community_id != community.id)
    {
        return Err(refuse("the post answers a post of another community"));
    }
    let html = markdown::sanitize_html(object.content.as_deref().unwrap_or_default());
    let title = match (&parent, &object.title) {
        (Some(_), _) => None,
        (None, Some(name)) if !name.trim().is_empty() => Some(name.trim().to_string()),
        (None, _) => title_from_first_line(&html),
    };
    let draft = Draft {
        ap_id: Some(&object.ap_id),
        title: title.as_deref(),
        html: &html,
        source: None,
        published: object.published.unwrap_or_else(Utc::now),
    };
    let origin = Origin::Remote { activity };
    store::create(
        conn,
        state,
        community,
        author,
        parent.as_ref(),
        draft,
        origin,
    )
    .await
}

/// Applies an author's edit of a remote post.
pub async fn receive_update(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    author: &PersonRow,
    object: &RemotePost,
    activity: &str,
) -> AppResult<()> {
    let post = db::post::find_by_ap_id(conn, &object.ap_id)
        .await?
        .ok_or_else(|| refuse("an update of a post we do not know"))?;
    if post.author_id != author.id {
        return Err(refuse("only the author may edit a post"));
    }
    let html = markdown::sanitize_html(object.content.as_deref().unwrap_or_default());
    let title = if post.parent_id.is_some() {
        None
    } else {
        object.title.clone().or(post.title.clone())
    };
    let origin = Origin::Remote { activity };
    store::edit(conn, state, &post, title.as_deref(), &html, None, origin).await?;
    Ok(())
}

/// Applies a deletion of a post by its author (or a moderator of its community).
pub async fn receive_delete(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    actor: &PersonRow,
    object_id: &str,
    activity: &str,
) -> AppResult<()> {
    let Some(post) = db::post::find_by_ap_id(conn, object_id).await? else {
        return Ok(());
    };
    let moderator = db::community::moderator_ids(conn, post.community_id)
        .await?
        .contains(&actor.id);
    if post.author_id != actor.id && !moderator {
        return Err(refuse("only the author may delete a post"));
    }
    store::set_deleted(conn, state, &post, true, Origin::Remote { activity }).await
}

/// Restores a post its author deleted (`Undo{Delete}` by the author; a
/// moderator's removal stays).
pub async fn receive_restore(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    author: &PersonRow,
    object_id: &str,
    activity: &str,
) -> AppResult<()> {
    let Some(post) = db::post::find_by_ap_id(conn, object_id).await? else {
        return Ok(());
    };
    if post.author_id != author.id {
        return Err(refuse("only the author may restore a post they deleted"));
    }
    if !post.deleted {
        return Ok(());
    }
    store::set_deleted(conn, state, &post, false, Origin::Remote { activity }).await
}

/// Counts a like (`like_id` is the Like activity's id).
pub async fn receive_like(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    person: &PersonRow,
    object_id: &str,
    like_id: &str,
    activity: &str,
) -> AppResult<()> {
    let post = db::post::find_by_ap_id(conn, object_id)
        .await?
        .ok_or_else(|| refuse("a like of a post we do not know"))?;
    store::vote(
        conn,
        state,
        &post,
        person,
        Some(like_id),
        Origin::Remote { activity },
    )
    .await
}

/// Takes back a like given by `person` on `object_id`.
pub async fn receive_unlike(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    person: &PersonRow,
    object_id: &str,
    activity: &str,
) -> AppResult<()> {
    let Some(post) = db::post::find_by_ap_id(conn, object_id).await? else {
        return Ok(());
    };
    store::vote(
        conn,
        state,
        &post,
        person,
        None,
        Origin::Remote { activity },
    )
    .await
}
