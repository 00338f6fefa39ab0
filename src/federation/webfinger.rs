//! `GET /.well-known/webfinger`: `acct:` addresses (and actor URLs) of our
//! communities, people and instance actor, with typed `rel=self` links.
//! Answers for names that exist are kept for a moment (`services::kept`).

use super::context::Federation;
use crate::{
    db::{self, handle::HandleKind},
    error::{AppError, AppResult},
    protocol::{actor::ActorKind, webfinger::WebFinger},
    services::kept::Document,
};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

/// The query string of a WebFinger request.
#[derive(Deserialize)]
pub struct WebfingerQuery {
    resource: Option<String>,
}

/// `GET /.well-known/webfinger?resource=acct:name@domain`.
pub async fn get_webfinger(
    state: web::Data<Federation>,
    query: web::Query<WebfingerQuery>,
) -> AppResult<HttpResponse> {
    let resource = query
        .resource
        .as_deref()
        .ok_or_else(|| AppError::bad_request("the `resource` parameter is required"))?;
    if let Some(document) = state.kept.webfinger.get(resource) {
        return Ok(jrd(web::Bytes::from_owner(document)));
    }
    let domain = &state.settings.domain;
    let urls = &state.urls;
    let base = state.settings.base_url();
    let name = if resource.trim_end_matches('/') == base {
        None
    } else if let Some(acct) = resource.strip_prefix("acct:") {
        let (name, host) = acct
            .trim_start_matches('@')
            .rsplit_once('@')
            .ok_or_else(|| AppError::bad_request("an acct: resource must be name@domain"))?;
        if !host.eq_ignore_ascii_case(domain) {
            return Err(AppError::not_found(format!("{host} is not this instance")));
        }
        (!name.eq_ignore_ascii_case(domain)).then(|| name.to_string())
    } else if let Some(path) = resource.strip_prefix(&base) {
        let name = path
            .strip_prefix("/c/")
            .or_else(|| path.strip_prefix("/u/"))
            .ok_or_else(|| AppError::not_found("no such actor"))?;
        Some(name.to_string())
    } else {
        return Err(AppError::not_found("no such actor on this instance"));
    };

    let (subject, actor, page, kind) = match name {
        None => (
            format!("acct:{domain}@{domain}"),
            urls.instance_actor(),
            urls.home(),
            ActorKind::Application,
        ),
        Some(name) => {
            let mut conn = state.pool.get().await?;
            match db::handle::find(&mut conn, &name).await? {
                Some(HandleKind::Community) => {
                    let id = urls.community(&name);
                    (
                        format!("acct:{name}@{domain}"),
                        id.clone(),
                        id,
                        ActorKind::Group,
                    )
                }
                Some(HandleKind::Person) => {
                    let id = urls.person(&name);
                    (
                        format!("acct:{name}@{domain}"),
                        id.clone(),
                        id,
                        ActorKind::Person,
                    )
                }
                None => return Err(AppError::not_found(format!("no actor named `{name}`"))),
            }
        }
    };
    let document = WebFinger::for_actor(subject, actor, kind, Some(page));
    let document: Document = serde_json::to_vec(&document)
        .map_err(AppError::internal)?
        .into();
    state.kept.webfinger.put(resource, document.clone());
    Ok(jrd(web::Bytes::from_owner(document)))
}

fn jrd(body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/jrd+json; charset=utf-8")
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .body(body)
}
