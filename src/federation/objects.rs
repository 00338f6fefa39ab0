//! Serving our objects by id: posts (a `Tombstone` with 410 once deleted)
//! and the activities we published. With `authorized_fetch`, only signed
//! requests from instances we federate with get them.

use super::{
    context::Federation, inbox::verify_get, negotiate::activity_json,
    outgoing::post_object::post_object, policy,
};
use crate::{
    db,
    error::{AppError, AppResult},
    protocol::note::{PostKind, PostObject},
    services::post,
};
use actix_web::{HttpRequest, HttpResponse, web};

/// Refuses unsigned or blocked fetchers when authorized fetch is on.
pub async fn check_fetcher(fed: &Federation, req: &HttpRequest) -> AppResult<()> {
    if !fed.state.settings.authorized_fetch {
        return Ok(());
    }
    let signer = verify_get(fed, req).await?;
    let host = signer.host_str().unwrap_or_default();
    if !policy::allows(fed, host).await? {
        return Err(AppError::forbidden(format!("{host} is not federated with")));
    }
    Ok(())
}

/// `GET /p/{id}` as ActivityPub: the post's object, or its tombstone.
pub async fn get_post_object(
    req: HttpRequest,
    fed: web::Data<Federation>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    check_fetcher(&fed, &req).await?;
    let mut conn = fed.state.pool.get().await?;
    let row = db::post::find(&mut conn, *id)
        .await?
        .filter(|p| p.local)
        .ok_or_else(|| AppError::not_found(format!("no post {id}")))?;
    if row.deleted || row.removed {
        let mut tombstone = PostObject::new(
            PostKind::Tombstone,
            url::Url::parse(&row.ap_id).map_err(AppError::internal)?,
        );
        tombstone.context = Some(crate::protocol::jsonld::Context);
        let body = serde_json::to_string(&tombstone).map_err(AppError::internal)?;
        return Ok(HttpResponse::Gone()
            .content_type(super::negotiate::ACTIVITY_JSON)
            .body(body));
    }
    let parent = match row.parent_id {
        Some(parent) => db::post::find(&mut conn, parent).await?.map(|p| p.ap_id),
        None => None,
    };
    let root = match row.root_id {
        Some(root) => db::post::find(&mut conn, root).await?.map(|p| p.ap_id),
        None => None,
    };
    let view = post::view(&mut conn, row).await?;
    let mut object = post_object(&view, parent.as_deref(), root.as_deref());
    object.context = Some(crate::protocol::jsonld::Context);
    Ok(activity_json(&object))
}

/// `GET /events/{id}` for ActivityPub: a local event (or occurrence) as
/// an `Event`. A series itself is not an object: its occurrences are.
pub async fn get_event_object(
    req: HttpRequest,
    fed: web::Data<Federation>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    check_fetcher(&fed, &req).await?;
    let mut conn = fed.state.pool.get().await?;
    let row = db::event::find(&mut conn, *id)
        .await?
        .filter(|e| e.local && (e.rrule.is_none() || e.series_id.is_some()))
        .ok_or_else(|| AppError::not_found(format!("no event {id}")))?;
    let view = crate::services::event::view(&mut conn, row, None).await?;
    let mut object = crate::federation::outgoing::event_object::event_object(&view);
    object.context = Some(crate::protocol::jsonld::Context);
    Ok(activity_json(&object))
}

/// `GET /activities/{kind}/{token}`: an activity we published, as sent.
pub async fn get_activity(req: HttpRequest, fed: web::Data<Federation>) -> AppResult<HttpResponse> {
    check_fetcher(&fed, &req).await?;
    let id = fed.state.urls.path(req.path());
    let mut conn = fed.state.pool.get().await?;
    let activity = db::delivery::find_activity(&mut conn, id.as_str())
        .await?
        .ok_or_else(|| AppError::not_found("no such activity"))?;
    Ok(HttpResponse::Ok()
        .content_type(super::negotiate::ACTIVITY_JSON)
        .body(activity.body))
}
