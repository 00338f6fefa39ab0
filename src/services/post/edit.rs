//! Changing published posts: the author edits (`Update`) or deletes
//! (`Delete`) them; both federate through the community.

use super::{PostView, local::send_member_activity, object::post_object, view, visible};
use crate::{
    db::{self, person::PersonRow},
    domain::{FieldError, markdown},
    error::{AppError, AppResult},
    protocol::activity::{Activity, ActivityKind, AnyActivity, AnyObject, Reference},
    services::{AppState, outbox::activity_id},
};
use diesel_async::AsyncConnection;
use url::Url;

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
    let parent = match post.parent_id {
        Some(id) => db::post::find(&mut conn, id).await?.map(|p| p.ap_id),
        None => None,
    };
    let root = match post.root_id {
        Some(id) => db::post::find(&mut conn, id).await?.map(|p| p.ap_id),
        None => None,
    };
    let row = conn
        .transaction(async |conn| {
            let row =
                db::post::update_content(conn, post.id, title.as_deref(), &html, Some(&source))
                    .await?;
            let v = view(conn, row.clone())
                .await
                .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?;
            let object = post_object(&v, parent.as_deref(), root.as_deref());
            let mut update = Activity::new(
                ActivityKind::Update,
                activity_id(&state.urls, ActivityKind::Update),
                object
                    .attributed_to
                    .clone()
                    .unwrap_or_else(|| object.id.clone()),
                AnyObject::Post(Box::new(object.clone())),
            );
            update.to = object.to.clone();
            update.cc = object.cc.clone();
            update.audience = object.audience.clone();
            send_member_activity(conn, state, &v.community, AnyActivity::Update(update), None)
                .await?;
            Ok::<_, diesel::result::Error>(row)
        })
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
    let community = db::community::find(&mut conn, post.community_id)
        .await?
        .ok_or_else(|| AppError::not_found("gone"))?;
    conn.transaction(async |conn| {
        db::post::set_deleted(conn, post.id, true).await?;
        let bad = |e: url::ParseError| diesel::result::Error::SerializationError(Box::new(e));
        let mut delete = Activity::new(
            ActivityKind::Delete,
            activity_id(&state.urls, ActivityKind::Delete),
            Url::parse(&person.ap_id).map_err(bad)?,
            Reference(Url::parse(&post.ap_id).map_err(bad)?),
        );
        delete.audience = Url::parse(&community.ap_id).ok();
        delete.to = [Url::parse(crate::protocol::lenient::PUBLIC).map_err(bad)?]
            .into_iter()
            .chain(delete.audience.clone())
            .collect();
        send_member_activity(conn, state, &community, AnyActivity::Delete(delete), None).await
    })
    .await?;
    Ok(())
}
