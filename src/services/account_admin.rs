//! What an instance admin does to local accounts from the command line:
//! list them, disable and enable them (a disabled account cannot sign in
//! and its sessions end at once), set a new password (every session ends),
//! and grant or take back the admin role.

use super::{AppState, account::MIN_PASSWORD_LEN};
use crate::{
    db::{self, person::PersonRow},
    domain::FieldError,
    error::{AppError, AppResult},
};
use diesel_async::AsyncConnection;

/// Every local account, by username.
pub async fn list_users(state: &AppState) -> AppResult<Vec<PersonRow>> {
    let mut conn = state.pool.get().await?;
    Ok(db::person::list_local(&mut conn).await?)
}

/// Disables (`true`) or enables a local account; disabling ends its
/// sessions. Returns how many sessions ended.
pub async fn set_disabled(state: &AppState, username: &str, disabled: bool) -> AppResult<usize> {
    let person = local(state, username).await?;
    let mut conn = state.pool.get().await?;
    let ended = conn
        .transaction(async |conn| {
            let at = disabled.then(chrono::Utc::now);
            db::person::set_disabled(conn, person.id, at).await?;
            if disabled {
                db::session::delete_for_person(conn, person.id).await
            } else {
                Ok(0)
            }
        })
        .await?;
    Ok(ended)
}

/// Gives a local account a new password and ends its sessions.
pub async fn reset_password(state: &AppState, username: &str, password: &str) -> AppResult<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(FieldError::new(
            "password",
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        )
        .into());
    }
    let person = local(state, username).await?;
    let hash = state.sign_ins.hashers.hash(password.to_string()).await?;
    let mut conn = state.pool.get().await?;
    conn.transaction(async |conn| {
        db::person::set_password_hash(conn, person.id, &hash).await?;
        db::session::delete_for_person(conn, person.id).await
    })
    .await?;
    Ok(())
}

/// Grants (`true`) or takes back the instance admin role.
pub async fn set_admin(state: &AppState, username: &str, admin: bool) -> AppResult<()> {
    let person = local(state, username).await?;
    let mut conn = state.pool.get().await?;
    db::person::set_admin(&mut conn, person.id, admin).await?;
    Ok(())
}

/// A local account by username, or 404.
async fn local(state: &AppState, username: &str) -> AppResult<PersonRow> {
    let mut conn = state.pool.get().await?;
    db::person::find_local(&mut conn, username)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no local user named `{username}`")))
}
