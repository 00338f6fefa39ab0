//! Federation routes: WebFinger, NodeInfo, and the ActivityPub documents of
//! our actors and their collections. Actor URLs are shared with the HTML
//! pages; these routes answer only requests that ask for ActivityPub JSON.

use super::{
    actors,
    context::Federation,
    directory, inbox,
    negotiate::{activity_json, kept_activity_json, wants_activity_json},
    nodeinfo, objects, webfinger,
};
use crate::{
    db,
    error::{AppError, AppResult},
    protocol::{collection::Collection, jsonld::Context},
    services::{community, kept::Document},
};
use actix_web::{HttpRequest, HttpResponse, guard, web};
use url::Url;

/// Registers the federation routes (before the page routes).
pub fn routes(cfg: &mut web::ServiceConfig) {
    let ap = || web::get().guard(guard::fn_guard(wants_activity_json));
    cfg.route(
        "/.well-known/webfinger",
        web::get().to(webfinger::get_webfinger),
    )
    .route(
        "/.well-known/nodeinfo",
        web::get().to(nodeinfo::get_nodeinfo_links),
    )
    .route("/nodeinfo/2.1", web::get().to(nodeinfo::get_nodeinfo))
    .route("/actor", ap().to(get_instance_actor))
    .route(
        "/actor",
        web::get().to(|| async {
            HttpResponse::Found()
                .insert_header(("Location", "/"))
                .finish()
        }),
    )
    .route("/actor/outbox", web::get().to(get_instance_outbox))
    .route("/directory", ap().to(directory::get_directory))
    .route("/inbox", web::post().to(inbox::post_inbox))
    .route("/actor/inbox", web::post().to(inbox::post_inbox))
    .route("/c/{name}/inbox", web::post().to(inbox::post_inbox))
    .route("/u/{name}/inbox", web::post().to(inbox::post_inbox))
    .route("/p/{id}", ap().to(objects::get_post_object))
    .route("/events/{id:\\d+}", ap().to(objects::get_event_object))
    .route(
        "/activities/{kind}/{token}",
        web::get().to(objects::get_activity),
    )
    .route("/c/{name}", ap().to(get_group))
    .route(
        "/c/{name}/{collection:outbox|followers|moderators|featured}",
        web::get().to(get_group_collection),
    )
    .route("/u/{name}", ap().to(get_person))
    .route(
        "/u/{name}/{collection}",
        web::get().to(get_person_collection),
    );
}

async fn get_instance_actor(state: web::Data<Federation>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let row = db::instance::find(&mut conn)
        .await?
        .ok_or_else(|| AppError::not_found("the instance actor is not set up"))?;
    Ok(activity_json(&actors::instance(
        &state.urls,
        &state.settings.instance_name,
        &row,
    )))
}

async fn get_instance_outbox(state: web::Data<Federation>) -> HttpResponse {
    collection_json(Collection::<Url>::ordered(
        state.urls.path("/actor/outbox"),
        vec![],
    ))
}

/// A local community's `Group` document, kept for a moment
/// (`services::kept`): it is the document other servers ask for most.
async fn get_group(
    state: web::Data<Federation>,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let kept = &state.kept.groups;
    if let Some(document) = kept.get(&name) {
        return Ok(kept_activity_json(document));
    }
    let mut conn = state.pool.get().await?;
    let row = db::community::find_local(&mut conn, &name)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no community named `{name}`")))?;
    drop(conn);
    let group = actors::group(&state.urls, &state.settings.domain, &row);
    let document: Document = serde_json::to_vec(&group)
        .map_err(AppError::internal)?
        .into();
    kept.put(&name, document.clone());
    Ok(kept_activity_json(document))
}

/// `followers` (count only), `moderators` (people), `outbox` and `featured`.
/// The outbox holds posts, so with `authorized_fetch` it needs a signed GET.
async fn get_group_collection(
    req: HttpRequest,
    fed: web::Data<Federation>,
    state: web::Data<Federation>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (name, collection) = path.into_inner();
    if collection == "outbox" {
        objects::check_fetcher(&fed, &req).await?;
    }
    let view = community::get_community(&state, &name).await?;
    let id = state.urls.community_part(&name, &collection);
    let document = match collection.as_str() {
        "followers" => Collection::<Url>::count_only(id, view.followers as u64),
        "moderators" => {
            let items: Vec<Url> = view
                .moderators
                .iter()
                .filter_map(|m| Url::parse(&m.ap_id).ok())
                .collect();
            Collection::ordered(id, items)
        }
        "outbox" => {
            let mut outbox = super::outbox::community_outbox(&state, &view.row).await?;
            outbox.context = Some(Context);
            return Ok(activity_json(&outbox));
        }
        "featured" => Collection::ordered(id, vec![]),
        _ => return Err(AppError::not_found(format!("no collection `{collection}`"))),
    };
    Ok(collection_json(document))
}

async fn get_person(
    state: web::Data<Federation>,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let row = db::person::find_local(&mut conn, &name)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no person named `{name}`")))?;
    Ok(activity_json(&actors::person(
        &state.urls,
        &state.settings.domain,
        &row,
    )))
}

/// `outbox`, `followers` and `following` of a person (empty for now).
async fn get_person_collection(
    state: web::Data<Federation>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (name, collection) = path.into_inner();
    let mut conn = state.pool.get().await?;
    db::person::find_local(&mut conn, &name)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no person named `{name}`")))?;
    match collection.as_str() {
        "outbox" | "followers" | "following" => Ok(collection_json(Collection::<Url>::ordered(
            state.urls.person_part(&name, &collection),
            vec![],
        ))),
        _ => Err(AppError::not_found(format!("no collection `{collection}`"))),
    }
}

fn collection_json(mut collection: Collection<Url>) -> HttpResponse {
    collection.context = Some(Context);
    activity_json(&collection)
}
