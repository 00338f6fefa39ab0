//! What local people do with posts: publish, reply, edit, delete, like.
//! Each change and the activities it causes commit in one transaction.

use super::{
    PostView,
    object::post_object,
    standing::{self, Origin},
    view, visible,
};
use crate::{
    db::{self, DbConn, community::CommunityRow, person::PersonRow, post::PostRow},
    domain::{FieldError, markdown},
    error::{AppError, AppResult},
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity, AnyObject, Reference},
        lenient::IdOrObject,
    },
    services::{
        AppState,
        outbox::{self, Distribution, activity_id, publish},
    },
};
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use url::Url;

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
    let parent_author = match parent {
        Some(p) => db::person::find(conn, p.author_id).await?,
        None => None,
    };
    let root_ap_id = match parent {
        Some(p) => match p.root_id {
            Some(root) => db::post::find(conn, root).await?.map(|r| r.ap_id),
            None => Some(p.ap_id.clone()),
        },
        None => None,
    };
    let urls = &state.urls;
    let row = conn
        .transaction(async |conn| {
            let id = db::post::next_id(conn).await?;
            let ap_id = urls.path(&format!("/p/{id}")).to_string();
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
            let view = PostView {
                row: row.clone(),
                community: community.clone(),
                author: author.clone(),
                likes: 0,
            };
            let object = post_object(
                &view,
                parent.map(|p| p.ap_id.as_str()),
                root_ap_id.as_deref(),
            );
            let mut create = Activity::new(
                ActivityKind::Create,
                activity_id(urls, ActivityKind::Create),
                object
                    .attributed_to
                    .clone()
                    .unwrap_or_else(|| object.id.clone()),
                AnyObject::Post(Box::new(object.clone())),
            );
            create.to = object.to.clone();
            create.cc = object.cc.clone();
            create.audience = object.audience.clone();
            let boost = parent.is_none().then(|| object.id.clone());
            send_member_activity(conn, state, community, AnyActivity::Create(create), boost)
                .await?;
            if let Some(parent_author) = parent_author.as_ref().filter(|p| !p.local) {
                notify_participant(conn, state, parent_author, &object).await?;
            }
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    view(conn, row).await
}

/// Sends a member's activity: a local community passes it on to its
/// followers; a remote one receives it in its inbox.
pub(crate) async fn send_member_activity(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    inner: AnyActivity,
    boost: Option<Url>,
) -> diesel::QueryResult<()> {
    if community.local {
        outbox::distribute(conn, &state.urls, community, Distribution { inner, boost }).await
    } else {
        let inbox = community
            .shared_inbox
            .clone()
            .unwrap_or_else(|| community.inbox.clone());
        publish_any(conn, inner, &[inbox]).await
    }
}

/// Publishes an [`AnyActivity`] as it is.
pub(crate) async fn publish_any(
    conn: &mut AsyncPgConnection,
    activity: AnyActivity,
    inboxes: &[String],
) -> diesel::QueryResult<()> {
    match activity {
        AnyActivity::Create(a) | AnyActivity::Update(a) => publish(conn, a, inboxes).await,
        AnyActivity::Delete(a) | AnyActivity::Like(a) => publish(conn, a, inboxes).await,
        AnyActivity::Undo(a) => publish(conn, a, inboxes).await,
        other => Err(diesel::result::Error::SerializationError(
            format!("cannot publish {:?} here", other.kind()).into(),
        )),
    }
}

/// Sends a reply's `Create` straight to the remote author it answers, when
/// their software does not follow groups (Mastodon): they take part, so they
/// see it; other followers there do not get it boosted.
async fn notify_participant(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    participant: &PersonRow,
    object: &crate::protocol::note::PostObject,
) -> diesel::QueryResult<()> {
    let software = db::peer::software(conn, &participant.domain).await?;
    if outbox::is_group_aware(software.as_deref()) {
        return Ok(());
    }
    let mut object = object.clone();
    if let Ok(who) = Url::parse(&participant.ap_id) {
        object.cc.push(who);
    }
    let mut create = Activity::new(
        ActivityKind::Create,
        activity_id(&state.urls, ActivityKind::Create),
        object
            .attributed_to
            .clone()
            .unwrap_or_else(|| object.id.clone()),
        AnyObject::Post(Box::new(object.clone())),
    );
    create.to = object.to.clone();
    create.cc = object.cc.clone();
    let inbox = participant
        .shared_inbox
        .clone()
        .unwrap_or_else(|| participant.inbox.clone());
    publish(conn, create, &[inbox]).await
}

/// Likes a post (idempotent) and federates the `Like`.
pub async fn like(state: &AppState, person: &PersonRow, post_id: i64) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let post = visible(&mut conn, post_id).await?;
    let community = db::community::find(&mut conn, post.community_id)
        .await?
        .ok_or_else(|| AppError::not_found("gone"))?;
    let like_id = activity_id(&state.urls, ActivityKind::Like);
    conn.transaction(async |conn| {
        if db::post::like(conn, post.id, person.id, Some(like_id.as_str())).await? {
            let actor = Url::parse(&person.ap_id)
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            let object = Url::parse(&post.ap_id)
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            let mut like = Activity::new(
                ActivityKind::Like,
                like_id.clone(),
                actor,
                Reference(object),
            );
            like.audience = Url::parse(&community.ap_id).ok();
            like.to = like.audience.iter().cloned().collect();
            send_member_activity(conn, state, &community, AnyActivity::Like(like), None).await?;
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
    let community = db::community::find(&mut conn, post.community_id)
        .await?
        .ok_or_else(|| AppError::not_found("gone"))?;
    conn.transaction(async |conn| {
        if let Some(Some(like_id)) = db::post::unlike(conn, post.id, person.id).await? {
            let actor = Url::parse(&person.ap_id)
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            let object = Url::parse(&post.ap_id)
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            let like_url = Url::parse(&like_id)
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            let like = Activity::new(
                ActivityKind::Like,
                like_url,
                actor.clone(),
                Reference(object),
            );
            let mut undo = Activity::new(
                ActivityKind::Undo,
                activity_id(&state.urls, ActivityKind::Undo),
                actor,
                IdOrObject::Object(Box::new(AnyActivity::Like(like))),
            );
            undo.audience = Url::parse(&community.ap_id).ok();
            undo.to = undo.audience.iter().cloned().collect();
            send_member_activity(conn, state, &community, AnyActivity::Undo(undo), None).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    let row = visible(&mut conn, post_id).await?;
    view(&mut conn, row).await
}
