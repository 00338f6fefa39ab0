//! A person's private calendar feed: the events they answered (going or
//! interested), at `/calendar/<secret>.ics`. Only the secret's hash is
//! stored; making a new one retires the old URL.

use crate::{
    db::{self, event::EventRow, person::PersonRow},
    error::{AppError, AppResult},
    services::{
        AppState,
        account::{new_secret, token_hash},
    },
};

/// At most this many events in a person's feed.
const FEED_LIMIT: i64 = 1_000;

/// Makes a new secret for `person`'s feed and returns its URL.
pub async fn regenerate(state: &AppState, person: &PersonRow) -> AppResult<String> {
    let secret = new_secret();
    let mut conn = state.pool.get().await?;
    db::person::set_calendar_token_hash(&mut conn, person.id, &token_hash(&secret)).await?;
    Ok(state
        .urls
        .path(&format!("/calendar/{secret}.ics"))
        .to_string())
}

/// The events of the feed with secret `secret`.
pub async fn events(state: &AppState, secret: &str) -> AppResult<Vec<EventRow>> {
    let mut conn = state.pool.get().await?;
    let person = db::person::find_by_calendar_token_hash(&mut conn, &token_hash(secret))
        .await?
        .ok_or_else(|| AppError::not_found("no such calendar"))?;
    Ok(db::rsvp::events_of(&mut conn, person.id, FEED_LIMIT).await?)
}
