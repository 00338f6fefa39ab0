//! Finding the community or person a handle names: a local name
//! (`secguild`), a remote one (`secguild@other.example`, fetched through
//! WebFinger the first time) or an actor URL. For the API, the pages and
//! the command line alike.

use crate::{
    db::{self, community::CommunityRow, person::PersonRow},
    error::{AppError, AppResult},
    federation::{
        context::Federation,
        fetch::{FetchBudget, FetchError},
        resolve::{self, KnownActor},
    },
};

/// The community named by `handle`; an unknown remote one is looked up on
/// its server only when `may_fetch` (a signed-in caller): anonymous
/// requests must not make us contact hosts of their choosing.
pub async fn community(fed: &Federation, handle: &str, may_fetch: bool) -> AppResult<CommunityRow> {
    let handle = handle.trim_start_matches('@');
    let mut conn = fed.state.pool.get().await?;
    let Some((name, host)) = handle.split_once('@') else {
        return db::community::find_local(&mut conn, handle)
            .await?
            .ok_or_else(|| AppError::not_found(format!("no community named `{handle}`")));
    };
    if host.eq_ignore_ascii_case(&fed.state.settings.domain) {
        return db::community::find_local(&mut conn, name)
            .await?
            .ok_or_else(|| AppError::not_found(format!("no community named `{name}`")));
    }
    let bare_host = host.split(':').next().unwrap_or(host);
    if let Some(known) = db::community::find_remote(&mut conn, name, bare_host).await? {
        return Ok(known);
    }
    drop(conn);
    if !may_fetch {
        return Err(AppError::not_found(format!(
            "{handle} is not known here yet; sign in to look it up"
        )));
    }
    match resolve::handle(fed, name, host, &FetchBudget::new(5)).await {
        Ok(KnownActor::Community(community)) => Ok(*community),
        Ok(KnownActor::Person(_)) => Err(AppError::not_found(format!(
            "{handle} is a person, not a community"
        ))),
        Err(FetchError::NotAllowed(why)) => Err(AppError::forbidden(why)),
        Err(err) => Err(AppError::not_found(format!("cannot find {handle}: {err}"))),
    }
}

/// The person named by `handle` among those we know, without asking any
/// other server (for anonymous requests).
pub async fn known_person(fed: &Federation, handle: &str) -> AppResult<PersonRow> {
    let handle = handle.trim().trim_start_matches('@');
    let mut conn = fed.state.pool.get().await?;
    let found = if handle.starts_with("http://") || handle.starts_with("https://") {
        db::person::find_by_ap_id(&mut conn, handle).await?
    } else {
        match handle.split_once('@') {
            Some((name, host)) if !host.eq_ignore_ascii_case(&fed.state.settings.domain) => {
                let bare_host = host.split(':').next().unwrap_or(host);
                db::person::find_remote(&mut conn, name, bare_host).await?
            }
            Some((name, _)) => db::person::find_local(&mut conn, name).await?,
            None => db::person::find_local(&mut conn, handle).await?,
        }
    };
    found.ok_or_else(|| AppError::not_found(format!("no person `{handle}` known here")))
}

/// The person named by `handle`: a local name, `name@host`, or an actor URL.
pub async fn person(fed: &Federation, handle: &str) -> AppResult<PersonRow> {
    let handle = handle.trim().trim_start_matches('@');
    let found = if handle.starts_with("http://") || handle.starts_with("https://") {
        let url = url::Url::parse(handle).map_err(|_| AppError::not_found("not a URL"))?;
        resolve::actor(fed, &url, &FetchBudget::new(5), false)
            .await
            .ok()
    } else if let Some((name, host)) = handle
        .split_once('@')
        .filter(|(_, h)| !h.eq_ignore_ascii_case(&fed.state.settings.domain))
    {
        resolve::handle(fed, name, host, &FetchBudget::new(5))
            .await
            .ok()
    } else {
        let name = handle.split('@').next().unwrap_or(handle);
        let mut conn = fed.state.pool.get().await?;
        db::person::find_local(&mut conn, name)
            .await?
            .map(|p| KnownActor::Person(Box::new(p)))
    };
    match found {
        Some(KnownActor::Person(person)) => Ok(*person),
        _ => Err(AppError::not_found(format!("no person `{handle}`"))),
    }
}
