//! Events of remote communities, as their community announces them: stored
//! (or refreshed) by id, and removed when deleted there. Their answers are
//! counted where they live (`remote_going`).

use crate::{
    db::{self, community::CommunityRow, event::EventFields, person::PersonRow},
    domain::markdown,
    error::{AppError, AppResult},
    services::AppState,
};

/// Stores or refreshes the event `ap_id` of the remote `community`.
pub async fn receive_event(
    state: &AppState,
    community: &CommunityRow,
    organiser: &PersonRow,
    ap_id: &str,
    mut fields: EventFields,
) -> AppResult<()> {
    fields.description = markdown::sanitize_html(&fields.description);
    fields.source = None;
    fields.rrule = None;
    let mut conn = state.pool.get().await?;
    match db::event::find_by_ap_id(&mut conn, ap_id).await? {
        Some(known) if known.community_id != community.id || known.local => Err(
            AppError::forbidden("the event belongs to another community"),
        ),
        Some(known) => {
            db::event::update(&mut conn, known.id, &fields).await?;
            Ok(())
        }
        None => {
            let who = db::event::EventIdentity {
                ap_id,
                community_id: community.id,
                organiser_id: organiser.id,
                series_id: None,
                occurrence_start: None,
                local: false,
            };
            db::event::insert(&mut conn, None, &who, &fields).await?;
            Ok(())
        }
    }
}

/// Removes the remote event `ap_id` of `community`; false when unknown.
pub async fn remove_event(
    state: &AppState,
    community: &CommunityRow,
    ap_id: &str,
) -> AppResult<bool> {
    let mut conn = state.pool.get().await?;
    match db::event::find_by_ap_id(&mut conn, ap_id).await? {
        Some(known) if known.community_id == community.id && !known.local => {
            db::event::delete(&mut conn, known.id).await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}
