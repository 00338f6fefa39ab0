//! Posts arriving from other servers: new posts and replies, edits,
//! deletions and likes, checked against the community's rules. In a local
//! community the accepted activity is passed on to the followers.

use super::{
    standing::{self, Origin},
    title_from_first_line,
};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow, post::PostRow},
    domain::markdown,
    error::{AppError, AppResult},
    services::{AppState, outgoing::Outgoing},
};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

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

/// Stores a remote post or reply in `community` and, when the community is
/// ours, passes on `activity` (the stored incoming activity that carried
/// it) to its followers. A post we already have is returned as it is.
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
    standing::check(conn, community, author, parent.as_ref(), Origin::Remote).await?;
    let content = markdown::sanitize_html(object.content.as_deref().unwrap_or_default());
    let title = match (&parent, &object.title) {
        (Some(_), _) => None,
        (None, Some(name)) if !name.trim().is_empty() => Some(name.trim().to_string()),
        (None, _) => title_from_first_line(&content),
    };
    let published = object.published.unwrap_or_else(Utc::now);
    let row = conn
        .transaction(async |conn| {
            let row = db::post::insert_remote(
                conn,
                &db::post::NewPost {
                    ap_id: &object.ap_id,
                    community_id: community.id,
                    author_id: author.id,
                    parent_id: parent.as_ref().map(|p| p.id),
                    root_id: parent.as_ref().map(|p| p.root_id.unwrap_or(p.id)),
                    local: false,
                    title: title.as_deref(),
                    content: &content,
                    source: None,
                    published,
                },
            )
            .await?;
            if community.local {
                let event = Outgoing::Forwarded {
                    community_id: community.id,
                    activity_id: activity.to_owned(),
                    boost: parent.is_none().then(|| object.ap_id.clone()),
                };
                state.emit(conn, event).await?;
            }
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(row)
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
    let community = db::community::find(conn, post.community_id)
        .await?
        .ok_or_else(|| refuse("no community"))?;
    let content = markdown::sanitize_html(object.content.as_deref().unwrap_or_default());
    let title = if post.parent_id.is_some() {
        None
    } else {
        object.title.clone().or(post.title.clone())
    };
    conn.transaction(async |conn| {
        db::post::update_content(conn, post.id, title.as_deref(), &content, None).await?;
        pass_on(conn, state, &community, activity).await?;
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
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
    let community = db::community::find(conn, post.community_id)
        .await?
        .ok_or_else(|| refuse("no community"))?;
    let moderator = db::community::moderator_ids(conn, community.id)
        .await?
        .contains(&actor.id);
    if post.author_id != actor.id && !moderator {
        return Err(refuse("only the author may delete a post"));
    }
    conn.transaction(async |conn| {
        db::post::set_deleted(conn, post.id, true).await?;
        pass_on(conn, state, &community, activity).await?;
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
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
    let community = db::community::find(conn, post.community_id)
        .await?
        .ok_or_else(|| refuse("no community"))?;
    conn.transaction(async |conn| {
        db::post::set_deleted(conn, post.id, false).await?;
        pass_on(conn, state, &community, activity).await?;
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
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
    let community = db::community::find(conn, post.community_id)
        .await?
        .ok_or_else(|| refuse("no community"))?;
    conn.transaction(async |conn| {
        if db::post::like(conn, post.id, person.id, Some(like_id)).await? {
            pass_on(conn, state, &community, activity).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
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
    let community = db::community::find(conn, post.community_id)
        .await?
        .ok_or_else(|| refuse("no community"))?;
    conn.transaction(async |conn| {
        if db::post::unlike(conn, post.id, person.id).await?.is_some() {
            pass_on(conn, state, &community, activity).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
}

/// In a local community, passes an accepted member activity (the stored
/// incoming activity `activity`) on to the followers.
async fn pass_on(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    activity: &str,
) -> diesel::QueryResult<()> {
    if community.local {
        let event = Outgoing::Forwarded {
            community_id: community.id,
            activity_id: activity.to_owned(),
            boost: None,
        };
        state.emit(conn, event).await?;
    }
    Ok(())
}
