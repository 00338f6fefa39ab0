//! The directory over ActivityPub: our listed communities as a public,
//! paged `OrderedCollection` of `Group`s with their charters and figures
//! (`GET /directory`, linked from NodeInfo and the instance actor), a
//! partner's `Group` read into a directory [`Listing`], and the backfill a
//! newly linked partner's collection gives us.

use super::{
    actors,
    context::{Federation, url_authority},
    fetch::{FetchBudget, fetch},
    negotiate::activity_json,
    resolve::{fetch_actor, same_origin},
};
use crate::{
    db::{self, community::CommunityRow, directory::EntryFigures},
    domain::markdown,
    error::{AppError, AppResult},
    protocol::{
        actor::{Actor, ActorKind, ListingJson},
        collection::{Collection, CollectionPage, CollectionPageKind},
        jsonld::Context,
        lenient::IdOrObject,
    },
    services::directory::{Listing, receive_listing},
    urls::Urls,
};
use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use url::Url;

/// Communities per page of the collection.
const COLLECTION_PAGE: i64 = 50;
/// Most pages read from a partner's collection when it is linked.
const MAX_BACKFILL_PAGES: u32 = 400;

/// A local community as a directory entry: its `Group` with the charter
/// and the `listing` figures.
pub fn listed_group(
    urls: &Urls,
    domain: &str,
    row: &CommunityRow,
    figures: &EntryFigures,
) -> Actor {
    let mut group = actors::group(urls, domain, row);
    group.listing = Some(ListingJson {
        member_count: figures.member_count.max(0) as u64,
        next_event: figures.next_event_at.map(|t| t.fixed_offset()),
        last_activity: figures.last_activity_at.map(|t| t.fixed_offset()),
        charter_version: figures.charter_version.max(0) as u32,
        charter_updated: Some(figures.charter_changed_at.fixed_offset()),
    });
    group
}

/// A document with our `@context` in front.
#[derive(Serialize)]
struct WithContext<'a, T> {
    #[serde(rename = "@context")]
    context: Context,
    #[serde(flatten)]
    document: &'a T,
}

/// `?page=` of the collection.
#[derive(Deserialize)]
pub struct PageParam {
    page: Option<u32>,
}

/// `GET /directory` (ActivityPub): the collection, or with `?page=N` (from
/// 1) one page of 50 `Group`s; a page past the end is empty.
pub async fn get_directory(
    state: web::Data<Federation>,
    query: web::Query<PageParam>,
) -> AppResult<HttpResponse> {
    let urls = &state.urls;
    let mut conn = state.pool.get().await?;
    let Some(page) = query.page else {
        let (_, total) = db::directory::local_page(&mut conn, 0, 0).await?;
        let mut collection = Collection::<Actor>::ordered(urls.directory(), Vec::new());
        collection.ordered_items = None;
        collection.total_items = Some(total.max(0) as u64);
        collection.first = Some(IdOrObject::Id(urls.directory_page(1)));
        return Ok(activity_json(&WithContext {
            context: Context,
            document: &collection,
        }));
    };
    if page == 0 || page > 1_000_000 {
        return Err(AppError::bad_request("page must be a number from 1"));
    }
    let offset = i64::from(page - 1) * COLLECTION_PAGE;
    let (ids, total) = db::directory::local_page(&mut conn, offset, COLLECTION_PAGE).await?;
    let domain = &state.settings.domain;
    let mut items = Vec::with_capacity(ids.len());
    for id in &ids {
        let (Some(row), Some(figures)) = (
            db::community::find_by_ap_id(&mut conn, id).await?,
            db::directory::figures(&mut conn, id).await?,
        ) else {
            continue;
        };
        items.push(listed_group(urls, domain, &row, &figures));
    }
    let document = CollectionPage {
        kind: CollectionPageKind::OrderedCollectionPage,
        id: Some(urls.directory_page(page)),
        part_of: Some(urls.directory()),
        next: (offset + COLLECTION_PAGE < total).then(|| urls.directory_page(page + 1)),
        prev: (page > 1).then(|| urls.directory_page(page - 1)),
        ordered_items: Some(items),
        items: None,
    };
    Ok(activity_json(&WithContext {
        context: Context,
        document: &document,
    }))
}

/// A partner's `Group` as a directory listing (its charter and figures as
/// it gives them; checked by [`receive_listing`]).
pub fn listing_of(group: &Actor) -> Listing {
    let name = group
        .preferred_username
        .clone()
        .unwrap_or_else(|| crate::domain::name::last_segment(group.id.as_str()));
    let summary = match &group.source {
        Some(source) => source.content.clone(),
        None => markdown::plain_text(group.summary.as_deref().unwrap_or_default()),
    };
    let figures = group.listing.clone().unwrap_or_default();
    Listing {
        ap_id: group.id.to_string(),
        host: group.id.host_str().unwrap_or_default().to_ascii_lowercase(),
        handle: format!("{name}@{}", url_authority(&group.id)),
        title: group.name.clone().unwrap_or_else(|| name.clone()),
        summary,
        charter: group
            .charter
            .as_ref()
            .map(|c| c.to_charter())
            .unwrap_or_default(),
        charter_version: figures.charter_version.min(i32::MAX as u32) as i32,
        charter_changed_at: figures
            .charter_updated
            .or(group.updated)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(Utc::now),
        member_count: figures.member_count.min(i64::MAX as u64) as i64,
        next_event_at: figures.next_event.map(|t| t.with_timezone(&Utc)),
        last_activity_at: figures.last_activity.map(|t| t.with_timezone(&Utc)),
    }
}

/// Takes `group`, announced or listed by the partner instance actor
/// `actor` of `domain`: only a `Group` on the partner's own server.
pub async fn take_group(
    fed: &Federation,
    domain: &str,
    actor: &Url,
    group: &Actor,
) -> AppResult<()> {
    if group.kind != ActorKind::Group {
        return Err(AppError::forbidden(
            "only Groups are listed in the directory",
        ));
    }
    if group.discoverable == Some(false) {
        return Err(AppError::forbidden(format!(
            "{} asks not to be listed (discoverable: false)",
            group.id
        )));
    }
    if !same_origin(&group.id, actor) {
        return Err(AppError::forbidden(format!(
            "{actor} may only list communities of its own server, not {}",
            group.id
        )));
    }
    if group
        .inbox
        .iter()
        .chain(&group.outbox)
        .chain(&group.followers)
        .any(|url| !same_origin(url, actor))
    {
        return Err(AppError::forbidden(format!(
            "{} names an inbox or collection on another server",
            group.id
        )));
    }
    receive_listing(&fed.state, domain, listing_of(group)).await
}

/// Reads the directory collection of `domain`'s instance actor `actor`
/// (its `directory`, on its own server) page by page into our directory.
/// Entries that break a rule are skipped with the reason logged. Returns
/// how many were taken.
pub async fn backfill(fed: &Federation, domain: &str, actor: &Url) -> AppResult<usize> {
    let budget = FetchBudget::new(MAX_BACKFILL_PAGES + 2);
    let fetched = |e| {
        AppError::internal(anyhow::anyhow!(
            "cannot read the directory of {domain}: {e}"
        ))
    };
    let document = fetch_actor(fed, actor, &budget).await.map_err(fetched)?;
    let Some(directory) = document.directory.filter(|d| same_origin(d, actor)) else {
        tracing::info!(%domain, "the partner publishes no directory collection");
        return Ok(0);
    };
    let collection: Collection<Actor> = fetch(fed, &directory, &budget).await.map_err(fetched)?;
    let mut taken = 0;
    let mut next = match collection.first {
        Some(IdOrObject::Id(url)) => Some(url),
        Some(IdOrObject::Object(page)) => {
            taken += take_all(fed, domain, actor, page.entries()).await;
            page.next
        }
        None => {
            taken += take_all(fed, domain, actor, collection.entries()).await;
            None
        }
    };
    let mut pages = 0;
    while let Some(url) = next.filter(|n| same_origin(n, actor)) {
        pages += 1;
        if pages > MAX_BACKFILL_PAGES {
            tracing::warn!(%domain, "the partner's directory has more pages than we read");
            break;
        }
        let page: CollectionPage<Actor> = fetch(fed, &url, &budget).await.map_err(fetched)?;
        taken += take_all(fed, domain, actor, page.entries()).await;
        next = page.next;
    }
    Ok(taken)
}

async fn take_all(fed: &Federation, domain: &str, actor: &Url, groups: &[Actor]) -> usize {
    let mut taken = 0;
    for group in groups {
        match take_group(fed, domain, actor, group).await {
            Ok(()) => taken += 1,
            Err(err) => {
                tracing::info!(%domain, group = %group.id, reason = %err, "directory entry refused")
            }
        }
    }
    taken
}
