//! The charter directory: our listed communities, kept in step with every
//! change inside that change's transaction (and announced to partners
//! through [`Outgoing::Listed`] / [`Outgoing::Unlisted`]); partners'
//! communities as their instance actors announce them (checked here:
//! charter rules, sizes); and search.

use super::{AppState, outgoing::Outgoing};
use crate::{
    db::{
        self,
        directory::{EntryRow, NewEntry, Search, Weighted},
    },
    domain::{
        charter::Charter,
        community::Visibility,
        directory::{DirectoryQuery, Facets, search_config},
    },
    error::{AppError, AppResult},
};
use chrono::{DateTime, Duration, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// Results per page.
pub const PAGE_SIZE: i64 = 20;
/// Longest title of a partner's community.
const MAX_TITLE: usize = 200;
/// Longest summary of a partner's community (plain text).
const MAX_SUMMARY: usize = 5000;

/// A community as an entry of the directory (ours or a partner's).
#[derive(Clone, Debug)]
pub struct Listing {
    pub ap_id: String,
    /// The host it lives on, without port.
    pub host: String,
    /// `name@domain`.
    pub handle: String,
    pub title: String,
    pub summary: String,
    pub charter: Charter,
    pub charter_version: i32,
    pub charter_changed_at: DateTime<Utc>,
    pub member_count: i64,
    pub next_event_at: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// The texts of a listing by search weight: purpose and domain (A), title
/// and topics (B), audience, practices and organisations (C), the rest (D).
fn weighted(listing: &Listing) -> Weighted {
    let c = &listing.charter;
    let join = |parts: Vec<&str>| parts.join(" ");
    let practices: Vec<&str> = c
        .practices
        .iter()
        .flat_map(|p| {
            [
                Some(p.name.as_str()),
                p.description.as_deref(),
                p.cadence.as_deref(),
                p.r#where.as_deref(),
            ]
        })
        .flatten()
        .collect();
    let mut people = vec![c.audience.as_deref().unwrap_or_default()];
    people.extend(practices);
    people.extend(c.organisations.iter().map(String::as_str));
    let mut rest = vec![
        listing.summary.as_str(),
        c.impact.as_deref().unwrap_or_default(),
        c.audience_rationale.as_deref().unwrap_or_default(),
        c.meetings.as_deref().unwrap_or_default(),
    ];
    rest.extend(c.indicators.iter().map(String::as_str));
    let mut title = vec![listing.title.as_str()];
    title.extend(c.topics.iter().map(String::as_str));
    Weighted {
        a: join(vec![
            c.purpose.as_str(),
            c.domain.as_deref().unwrap_or_default(),
        ]),
        b: join(title),
        c: join(people),
        d: join(rest),
    }
}

/// Writes `listing`; `None` when an entry with its id belongs elsewhere.
async fn write(
    conn: &mut AsyncPgConnection,
    listing: &Listing,
    local: bool,
    via: Option<&str>,
) -> QueryResult<Option<bool>> {
    let facets = Facets::of(&listing.charter);
    db::directory::upsert(
        conn,
        &NewEntry {
            ap_id: &listing.ap_id,
            host: &listing.host,
            local,
            handle: &listing.handle,
            title: &listing.title,
            summary: &listing.summary,
            charter: &listing.charter,
            charter_version: listing.charter_version,
            charter_changed_at: listing.charter_changed_at,
            facets: &facets,
            search_config: search_config(&listing.charter.languages),
            member_count: listing.member_count,
            next_event_at: listing.next_event_at,
            last_activity_at: listing.last_activity_at,
            via,
        },
        &weighted(listing),
    )
    .await
}

/// Brings the directory in step with the local community `community_id`
/// after a change, in the caller's transaction: a listed (public or
/// approval-required) community is written and announced (`Create` when
/// new, else `Update`); an unlisted one is removed (`Delete` when it was
/// there).
pub async fn sync_local(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community_id: i64,
) -> QueryResult<()> {
    let row = db::community::find(conn, community_id)
        .await?
        .ok_or(diesel::result::Error::NotFound)?;
    let host = local_host(state);
    if row.visibility == Visibility::Unlisted {
        return remove_local(conn, state, &row.ap_id).await;
    }
    let figures = db::directory::local_figures(conn, row.id).await?;
    let changed_at = db::charter_version::written_at(conn, row.id, row.charter_version)
        .await?
        .unwrap_or(row.created_at);
    let listing = Listing {
        handle: format!("{}@{}", row.name, state.settings.domain),
        host,
        title: row.title.clone(),
        summary: row.summary.clone(),
        charter: row.charter.clone().unwrap_or_default(),
        charter_version: row.charter_version,
        charter_changed_at: changed_at,
        member_count: figures.member_count,
        next_event_at: figures.next_event_at,
        last_activity_at: figures.last_activity_at,
        ap_id: row.ap_id,
    };
    if let Some(new) = write(conn, &listing, true, None).await? {
        state
            .emit(conn, Outgoing::Listed { community_id, new })
            .await?;
    }
    Ok(())
}

/// Takes the local community `ap_id` out of the directory (unlisted or
/// deleted), in the caller's transaction; partners get a `Delete` when it
/// was listed.
pub async fn remove_local(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    ap_id: &str,
) -> QueryResult<()> {
    if db::directory::remove(conn, ap_id, &local_host(state)).await? {
        state
            .emit(
                conn,
                Outgoing::Unlisted {
                    ap_id: ap_id.to_string(),
                },
            )
            .await?;
    }
    Ok(())
}

/// Our host without port, as entries and peers are keyed.
pub fn local_host(state: &AppState) -> String {
    state
        .settings
        .domain
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Takes a partner's community into the directory. The caller checked who
/// sent it (the partner's instance actor) and that the community lives on
/// that partner's host; this checks the charter and sizes, refusing with
/// the reason. With `directory_share_partners`, it is shared on (one hop).
pub async fn receive_listing(state: &AppState, from: &str, listing: Listing) -> AppResult<()> {
    check(&listing)?;
    let mut conn = state.pool.get().await?;
    conn.transaction(async |conn| {
        // The partner's row first, then the directory's lock: the order
        // unlinking takes them in.
        db::peer::touch_directory(conn, from).await?;
        if write(conn, &listing, false, None).await?.is_none() {
            return Err(AppError::forbidden(format!(
                "{} is already listed from elsewhere",
                listing.ap_id
            )));
        }
        share(conn, state, &listing.ap_id, from).await
    })
    .await
}

/// Takes a community of a partner's partner, which `via` shared and the
/// caller fetched from its origin (so its content is the origin's).
pub async fn receive_second_hand(state: &AppState, via: &str, listing: Listing) -> AppResult<()> {
    check(&listing)?;
    let mut conn = state.pool.get().await?;
    conn.transaction(async |conn| {
        db::peer::touch_directory(conn, via).await?;
        write(conn, &listing, false, Some(via)).await?;
        Ok::<_, AppError>(())
    })
    .await
}

/// Removes the second-hand entry `ap_id` (gone, or no longer listed, at its
/// origin).
pub async fn remove_second_hand(state: &AppState, ap_id: &str) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    conn.transaction(async |conn| db::directory::remove_second_hand(conn, ap_id).await)
        .await?;
    Ok(())
}

/// With `directory_share_partners`, tells our other partners that the
/// community `ap_id` of the partner `from` changed (or left).
async fn share(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    ap_id: &str,
    from: &str,
) -> AppResult<()> {
    if state.settings.directory_share_partners {
        state
            .emit(
                conn,
                Outgoing::Shared {
                    ap_id: ap_id.to_string(),
                    from: from.to_string(),
                },
            )
            .await?;
    }
    Ok(())
}

/// The rules a partner's listing must keep.
fn check(listing: &Listing) -> AppResult<()> {
    // A community without a charter is listed by its title and summary.
    let has_charter = listing.charter != Charter::default();
    if has_charter && let Err(err) = listing.charter.validate() {
        return Err(AppError::forbidden(format!(
            "the charter of {} breaks a rule: {err}",
            listing.ap_id
        )));
    }
    if listing.title.trim().is_empty() || listing.title.chars().count() > MAX_TITLE {
        return Err(AppError::forbidden(format!(
            "the title of {} is empty or longer than {MAX_TITLE} characters",
            listing.ap_id
        )));
    }
    if listing.summary.chars().count() > MAX_SUMMARY {
        return Err(AppError::forbidden(format!(
            "the summary of {} is longer than {MAX_SUMMARY} characters",
            listing.ap_id
        )));
    }
    Ok(())
}

/// A partner's community left its directory.
pub async fn receive_unlisting(state: &AppState, host: &str, ap_id: &str) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    conn.transaction(async |conn| {
        db::peer::touch_directory(conn, host).await?;
        if db::directory::remove(conn, ap_id, host).await? {
            share(conn, state, ap_id, host).await?;
        }
        Ok::<_, AppError>(())
    })
    .await
}

/// One page of results and the number of the next page, if any.
pub async fn search(
    state: &AppState,
    query: &DirectoryQuery,
) -> AppResult<(Vec<EntryRow>, Option<String>)> {
    let mut conn = state.pool.get().await?;
    let like = match &query.like {
        None => None,
        Some(like) => Some(like_id(&mut conn, state, like).await?),
    };
    let facets = query.required_facets();
    let offset = i64::from(query.page - 1) * PAGE_SIZE;
    let mut rows = db::directory::search(
        &mut conn,
        &Search {
            words: query.q.as_deref(),
            like: like.as_deref(),
            facets: &facets,
            stale_before: Utc::now()
                - Duration::days(i64::from(state.settings.directory_stale_days)),
            offset,
            limit: PAGE_SIZE + 1,
        },
    )
    .await?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| (query.page + 1).to_string());
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows, next))
}

/// The entry `like` names: an actor URL or a handle (`name`, `name@host`,
/// with or without a leading `@`).
async fn like_id(conn: &mut AsyncPgConnection, state: &AppState, like: &str) -> AppResult<String> {
    let found = if like.starts_with("http://") || like.starts_with("https://") {
        db::directory::contains(conn, like)
            .await?
            .then(|| like.to_string())
    } else {
        let handle = like.trim_start_matches('@');
        let handle = if handle.contains('@') {
            handle.to_string()
        } else {
            format!("{handle}@{}", state.settings.domain)
        };
        db::directory::ap_id_by_handle(conn, &handle).await?
    };
    found.ok_or_else(|| AppError::not_found(format!("`{like}` is not in the directory")))
}

/// Refreshes the figures of our own entries (members, next event, last
/// activity); partners' figures are as their last announcement gave them.
pub async fn refresh_figures(state: &AppState) -> AppResult<usize> {
    let mut conn = state.pool.get().await?;
    Ok(conn
        .transaction(async |conn| db::directory::refresh_local_figures(conn).await)
        .await?)
}
