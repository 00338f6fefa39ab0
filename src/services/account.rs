//! Local accounts: creation, password sign-in with bearer tokens, sign-out.
//!
//! Password hashing (Argon2) is the most expensive thing an unauthenticated
//! client can ask for, so sign-ins are bounded: attempts per address and
//! per user name (429 with `Retry-After`), at most one hash per core at a
//! time (`password`), and no database connection held while hashing.

use super::{AppState, password};
use crate::{
    db::{self, handle::HandleKind, person::PersonRow},
    domain::{FieldError, name::Handle},
    error::{AppError, AppResult, ErrorKind},
    signature::generate_key_pair_async,
    throttle::Throttle,
};
use base64::Engine;
use diesel_async::AsyncConnection;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::{net::IpAddr, time::Duration};

/// Shortest accepted password.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Creates a local person with a key pair and a hashed password.
pub async fn create_user(
    state: &AppState,
    name: &str,
    password: &str,
    admin: bool,
) -> AppResult<PersonRow> {
    let handle = Handle::parse("username", name)?;
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(FieldError::new(
            "password",
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        )
        .into());
    }
    let hash = state.sign_ins.hashers.hash(password.to_string()).await?;
    let keys = generate_key_pair_async().await?;
    let ap_id = state.urls.person(handle.as_str()).to_string();
    let inbox = state.urls.person_part(handle.as_str(), "inbox").to_string();
    let shared_inbox = state.urls.shared_inbox().to_string();
    let mut conn = state.pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            db::handle::claim(conn, handle.as_str(), HandleKind::Person).await?;
            db::person::insert(
                conn,
                &db::person::NewPerson {
                    ap_id: &ap_id,
                    username: handle.as_str(),
                    domain: &state.settings.domain,
                    local: true,
                    display_name: None,
                    inbox: &inbox,
                    shared_inbox: Some(&shared_inbox),
                    public_key: &keys.public_pem,
                    private_key: Some(&keys.private_pem),
                    password_hash: Some(&hash),
                    is_admin: admin,
                },
            )
            .await
        })
        .await
        .map_err(|err: diesel::result::Error| {
            if db::is_unique_violation(&err) {
                AppError::conflict(format!("the name `{handle}` is already taken"))
            } else {
                err.into()
            }
        })?;
    Ok(row)
}

/// Sign-in attempts one address may make per minute.
const ATTEMPTS_PER_ADDRESS: u32 = 20;
/// Sign-in attempts per minute for one user name (from anywhere).
const ATTEMPTS_PER_NAME: u32 = 10;

/// What bounds the cost of password sign-ins.
pub struct SignInLimits {
    by_address: Throttle<IpAddr>,
    by_name: Throttle<String>,
    /// One Argon2 hash per core at a time.
    pub(crate) hashers: password::Hashers,
}

impl Default for SignInLimits {
    fn default() -> Self {
        let minute = Duration::from_secs(60);
        SignInLimits {
            by_address: Throttle::new(
                ATTEMPTS_PER_ADDRESS,
                minute,
                crate::throttle::DEFAULT_CAPACITY,
            ),
            by_name: Throttle::new(ATTEMPTS_PER_NAME, minute, crate::throttle::DEFAULT_CAPACITY),
            hashers: password::Hashers::default(),
        }
    }
}

/// Checks a username and password from `address`; gives a new bearer token.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    address: Option<IpAddr>,
) -> AppResult<String> {
    let limits = &state.sign_ins;
    let throttled = |wait: Duration| {
        AppError::new(
            ErrorKind::TooManyRequests,
            "too many sign-in attempts; try again later",
        )
        .retry_after(wait)
    };
    if let Some(address) = address {
        limits.by_address.charge(address).map_err(throttled)?;
    }
    let name = username.trim().to_lowercase();
    limits.by_name.charge(name).map_err(throttled)?;
    let person = {
        let mut conn = state.pool.get().await?;
        db::person::find_local(&mut conn, username).await?
    };
    let stored = person.as_ref().and_then(|p| p.password_hash.clone());
    let valid = limits.hashers.verify(stored, password.to_string()).await?;
    let person = match (valid, person) {
        (true, Some(person)) => person,
        _ => return Err(AppError::unauthorized("wrong username or password")),
    };
    // Said only to whoever knows the password.
    if person.disabled_at.is_some() {
        return Err(AppError::forbidden("this account is disabled"));
    }
    let token = new_secret();
    let mut conn = state.pool.get().await?;
    db::session::insert(&mut conn, &token_hash(&token), person.id).await?;
    Ok(token)
}

/// Ends the session of `token`.
pub async fn sign_out(state: &AppState, token: &str) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    if db::session::delete(&mut conn, &token_hash(token)).await? {
        Ok(())
    } else {
        Err(AppError::unauthorized("unknown or expired token"))
    }
}

/// When sessions that are still valid began, at the earliest.
fn sessions_since(state: &AppState) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() - chrono::Duration::days(i64::from(state.settings.session_days))
}

/// A session as its owner sees it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SessionView {
    /// Public id, for revoking it.
    pub id: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// True for the session of the token that asked.
    pub current: bool,
}

/// The valid sessions of the person whose token this is.
pub async fn list_sessions(state: &AppState, token: &str) -> AppResult<Vec<SessionView>> {
    let person = authenticate(state, token).await?;
    let mut conn = state.pool.get().await?;
    let own = token_hash(token);
    let lifetime = chrono::Duration::days(i64::from(state.settings.session_days));
    Ok(
        db::session::list(&mut conn, person.id, sessions_since(state))
            .await?
            .into_iter()
            .map(|row| SessionView {
                id: row.public_id().to_owned(),
                created_at: row.created_at,
                expires_at: row.created_at + lifetime,
                current: row.token_hash == own,
            })
            .collect(),
    )
}

/// Revokes one of the sessions of the person whose token this is.
pub async fn revoke_session(state: &AppState, token: &str, public_id: &str) -> AppResult<()> {
    let person = authenticate(state, token).await?;
    let mut conn = state.pool.get().await?;
    if db::session::delete_by_public_id(&mut conn, person.id, public_id).await? {
        Ok(())
    } else {
        Err(AppError::not_found("no such session"))
    }
}

/// Deletes expired sessions; returns how many.
pub async fn purge_expired_sessions(state: &AppState) -> AppResult<usize> {
    let mut conn = state.pool.get().await?;
    Ok(db::session::purge(&mut conn, sessions_since(state)).await?)
}

/// The person a bearer token belongs to (401 when unknown or expired).
pub async fn authenticate(state: &AppState, token: &str) -> AppResult<PersonRow> {
    let mut conn = state.pool.get().await?;
    db::session::person_for(&mut conn, &token_hash(token), sessions_since(state))
        .await?
        .filter(|person| person.disabled_at.is_none())
        .ok_or_else(|| AppError::unauthorized("unknown or expired token"))
}

/// A new random secret (32 bytes, URL-safe base64).
pub(crate) fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// How a secret is stored: its SHA-256, in hex.
pub(crate) fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
