//! A remote account that deleted itself (`Delete{Person}`, signed by the
//! account): its memberships end, the deliveries meant only for it stop,
//! its posts and replies become tombstones in their threads, its likes are
//! withdrawn, and the deletion is recorded, so nothing more is taken from it.

use super::{
    AppState, follow,
    outgoing::{Forward, Outgoing},
};
use crate::{
    db::{self, person::PersonRow},
    error::{AppError, AppResult},
};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// Applies the deletion of `person`'s account. `pass_on` names the stored
/// incoming activity that carried it, which each of our communities the
/// person took part in announces to its followers (`None` when it came
/// through another community's announce: a community never passes those on).
pub async fn receive_account_deletion(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    person: &PersonRow,
    pass_on: Option<&str>,
) -> AppResult<()> {
    if person.local {
        return Err(AppError::forbidden(
            "our own accounts are not deleted from elsewhere",
        ));
    }
    if person.deleted_at.is_some() {
        return Ok(());
    }
    let (followed, posted) = conn
        .transaction(async |conn| {
            let followed = db::follow::remove_person(conn, person.id).await?;
            let mut touched = Vec::new();
            for community_id in &followed {
                if let Some(community) = db::community::find(conn, *community_id).await? {
                    follow::stop_deliveries(conn, &community, person).await?;
                    touched.push(community);
                }
            }
            // Deliveries to an inbox no one else uses were meant for it alone.
            for inbox in [Some(&person.inbox), person.shared_inbox.as_ref()]
                .into_iter()
                .flatten()
            {
                if !db::person::inbox_used_by_others(conn, inbox, person.id).await? {
                    db::delivery::cancel_inbox(conn, inbox).await?;
                }
            }
            let posted = db::post::tombstone_by_author(conn, person.id).await?;
            db::post::unlike_all(conn, person.id).await?;
            db::person::mark_deleted(conn, person.id).await?;
            for community_id in &posted {
                if !touched.iter().any(|c| c.id == *community_id)
                    && let Some(community) = db::community::find(conn, *community_id).await?
                {
                    touched.push(community);
                }
            }
            for community in touched.iter().filter(|c| c.local) {
                if let Some(activity) = pass_on {
                    let event = Outgoing::Forwarded {
                        community_id: community.id,
                        activities: vec![Forward {
                            activity_id: activity.to_owned(),
                            boost: None,
                        }],
                    };
                    state.emit(conn, event).await?;
                }
            }
            Ok::<_, diesel::result::Error>((followed.len(), posted.len()))
        })
        .await?;
    tracing::info!(
        account = %person.ap_id,
        memberships = followed,
        communities_with_posts = posted,
        "a remote account deleted itself"
    );
    Ok(())
}
