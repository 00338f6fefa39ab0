//! Local accounts: creation, password sign-in with bearer tokens, sign-out.

use super::AppState;
use crate::{
    db::{self, handle::HandleKind, person::PersonRow},
    domain::{FieldError, name::Handle},
    error::{AppError, AppResult},
    federation::keys,
};
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::Engine;
use diesel_async::AsyncConnection;
use rand::RngCore;
use sha2::{Digest, Sha256};

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
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(AppError::internal)??;
    let keys = keys::generate().await?;
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

/// Checks a username and password; gives a new bearer token.
pub async fn sign_in(state: &AppState, username: &str, password: &str) -> AppResult<String> {
    let mut conn = state.pool.get().await?;
    let person = db::person::find_local(&mut conn, username).await?;
    let stored = person.as_ref().and_then(|p| p.password_hash.clone());
    let password = password.to_string();
    let valid = tokio::task::spawn_blocking(move || match stored {
        Some(hash) => verify_password(&hash, &password),
        // Spend the same time on unknown names, so timing does not reveal them.
        None => {
            let _ = hash_password(&password);
            false
        }
    })
    .await
    .map_err(AppError::internal)?;
    let person = match (valid, person) {
        (true, Some(person)) => person,
        _ => return Err(AppError::unauthorized("wrong username or password")),
    };
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
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

/// The person a bearer token belongs to.
pub async fn authenticate(state: &AppState, token: &str) -> AppResult<PersonRow> {
    let mut conn = state.pool.get().await?;
    let id = db::session::person_for(&mut conn, &token_hash(token))
        .await?
        .ok_or_else(|| AppError::unauthorized("unknown or expired token"))?;
    db::person::find(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::unauthorized("unknown or expired token"))
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| AppError::internal(anyhow::anyhow!("password hashing failed: {err}")))
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}
