//! NodeInfo 2.1 (FEP-f1d5/0151): the discovery document and the
//! instance's software, usage (people, active people, posts, replies) and
//! metadata (communities, events, the directory collection).

use super::context::Federation;
use crate::{
    db,
    error::AppResult,
    protocol::nodeinfo::{
        APPLICATION_ACTOR_REL, NodeInfo, NodeInfoLink, NodeInfoLinks, NodeInfoMetadata, Services,
        Software, Usage, Users,
    },
};
use actix_web::{HttpResponse, web};

const SCHEMA_21: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";

/// `GET /.well-known/nodeinfo`: where the NodeInfo document lives.
pub async fn get_nodeinfo_links(state: web::Data<Federation>) -> HttpResponse {
    HttpResponse::Ok().json(NodeInfoLinks {
        links: vec![
            NodeInfoLink {
                rel: SCHEMA_21.into(),
                href: state.urls.path("/nodeinfo/2.1"),
            },
            // FEP-2677: where our instance actor is.
            NodeInfoLink {
                rel: APPLICATION_ACTOR_REL.into(),
                href: state.urls.instance_actor(),
            },
        ],
    })
}

/// `GET /nodeinfo/2.1`.
pub async fn get_nodeinfo(state: web::Data<Federation>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let users = db::person::count_local(&mut conn).await?;
    let communities = db::community::count_local(&mut conn).await?;
    let now = chrono::Utc::now();
    let active_month =
        db::person::count_active_local(&mut conn, now - chrono::Duration::days(30)).await?;
    let active_halfyear =
        db::person::count_active_local(&mut conn, now - chrono::Duration::days(180)).await?;
    let (posts, replies) = db::post::count_local(&mut conn).await?;
    let events = db::event::count_local(&mut conn).await?;
    let count = |n: i64| Some(n.max(0) as u64);
    let document = NodeInfo {
        version: "2.1".into(),
        software: Software {
            name: "guildhall".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            repository: None,
            homepage: None,
        },
        protocols: vec!["activitypub".into()],
        services: Services {
            inbound: vec![],
            outbound: vec![],
        },
        open_registrations: false,
        usage: Usage {
            users: Users {
                total: count(users),
                active_month: count(active_month),
                active_halfyear: count(active_halfyear),
            },
            local_posts: count(posts),
            local_comments: count(replies),
        },
        metadata: NodeInfoMetadata {
            node_name: Some(state.settings.instance_name.clone()),
            node_description: Some(state.settings.instance_description.clone()),
            communities: count(communities),
            directory: Some(state.urls.directory()),
            events: count(events),
        },
    };
    Ok(HttpResponse::Ok()
        .content_type(format!("application/json; profile=\"{SCHEMA_21}#\""))
        .json(document))
}
