//! Events a followed remote community announces: `Create` / `Update{Event}`
//! and `Delete` of one, under the same FEP-1b12 trust rules as posts: the
//! event must be the community's (`audience`, `attributedTo` or
//! addressee), on its organiser's server, and when the organiser lives on
//! another server than the community the event is fetched from its origin
//! (a deletion confirmed there) instead of trusting the embedded copy.

use super::{fetch_failed, person, refused};
use crate::{
    db::{self, community::CommunityRow, event::EventFields},
    domain::event::{EventStatus, JoinMode, Place, PostalAddress},
    error::AppResult,
    federation::{
        context::Federation,
        fetch::{FetchBudget, fetch},
        resolve::same_origin,
    },
    protocol::{
        activity::{AnyActivity, AnyObject},
        event::{self as wire, Address, Event},
    },
    services::event::remote,
};
use chrono::Utc;
use url::Url;

/// Takes an event activity the community passes on; `None` when `inner`
/// is not about an event.
pub(super) async fn from_group(
    fed: &Federation,
    community: &CommunityRow,
    inner: &AnyActivity,
    budget: &FetchBudget,
) -> Option<AppResult<()>> {
    let group = Url::parse(&community.ap_id).ok()?;
    let trusted = same_origin(inner.actor(), &group);
    match inner {
        AnyActivity::Create(a) | AnyActivity::Update(a) => {
            let AnyObject::Event(event) = &a.object else {
                return None;
            };
            Some(take(fed, community, &group, &a.actor, event, trusted, budget).await)
        }
        AnyActivity::Delete(delete) => {
            let id = &delete.object.0;
            let mut conn = fed.state.pool.get().await.ok()?;
            let known = db::event::find_by_ap_id(&mut conn, id.as_str())
                .await
                .ok()??;
            drop(conn);
            if known.local || known.community_id != community.id {
                return Some(Err(refused("the event belongs to another community")));
            }
            Some(remove(fed, community, id, trusted, budget).await)
        }
        _ => None,
    }
}

async fn take(
    fed: &Federation,
    community: &CommunityRow,
    group: &Url,
    actor: &Url,
    event: &Event,
    trusted: bool,
    budget: &FetchBudget,
) -> AppResult<()> {
    if fed.is_local(&event.id) || fed.is_local(actor) {
        return Err(refused("a community cannot announce our own events"));
    }
    let event = if trusted {
        event.clone()
    } else {
        fetch::<Event>(fed, &event.id, budget)
            .await
            .map_err(fetch_failed)?
    };
    // The organiser: the person who created it (Mobilizon's group events
    // are attributed to the group and name the person in `actor`).
    let organiser = [
        Some(actor),
        event.actor.as_ref(),
        event.attributed_to.as_ref(),
    ]
    .into_iter()
    .flatten()
    .find(|url| *url != group)
    .ok_or_else(|| refused("the event names no organiser"))?
    .clone();
    if !same_origin(&event.id, &organiser) && !same_origin(&event.id, group) {
        return Err(refused("the event is not hosted on its organiser's server"));
    }
    let of_group = event.audience.as_ref() == Some(group)
        || event.attributed_to.as_ref() == Some(group)
        || event.to.iter().chain(&event.cc).any(|a| a == group);
    if !of_group {
        return Err(refused("the event is not the announcing community's"));
    }
    let organiser = person(fed, &organiser, budget).await?;
    let fields = fields_of(&event).ok_or_else(|| refused("the event's times are not usable"))?;
    remote::receive_event(&fed.state, community, &organiser, event.id.as_str(), fields).await
}

async fn remove(
    fed: &Federation,
    community: &CommunityRow,
    id: &Url,
    trusted: bool,
    budget: &FetchBudget,
) -> AppResult<()> {
    if !trusted {
        super::announce::confirm_gone(fed, id, budget).await?;
    }
    remote::remove_event(&fed.state, community, id.as_str()).await?;
    Ok(())
}

/// What we keep of a remote `Event`: local times in its zone (UTC when it
/// names none we know), the first place and the first online link.
fn fields_of(event: &Event) -> Option<EventFields> {
    let tz: chrono_tz::Tz = event
        .timezone
        .as_deref()
        .and_then(|name| name.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let starts_at = event.start_time.with_timezone(&Utc);
    let ends_at = event
        .end_time
        .map(|end| end.with_timezone(&Utc))
        .filter(|end| *end > starts_at)
        .unwrap_or(starts_at + chrono::Duration::hours(1));
    let title: String = event
        .name
        .clone()
        .unwrap_or_else(|| "Untitled event".into())
        .chars()
        .take(200)
        .collect();
    let place = event.places().next().map(|p| Place {
        name: p.name.clone().unwrap_or_else(|| "Place".into()),
        address: match &p.address {
            Some(Address::Postal(a)) => Some(PostalAddress {
                street: a.street_address.clone(),
                locality: a.address_locality.clone(),
                region: a.address_region.clone(),
                postal_code: a.postal_code.clone(),
                country: a.address_country.clone(),
            }),
            Some(Address::Text(text)) => Some(PostalAddress {
                street: Some(text.clone()),
                ..PostalAddress::default()
            }),
            _ => None,
        },
        latitude: p.latitude,
        longitude: p.longitude,
    });
    Some(EventFields {
        title,
        description: event.content.clone().unwrap_or_default(),
        source: None,
        starts_local: starts_at.with_timezone(&tz).naive_local(),
        ends_local: ends_at.with_timezone(&tz).naive_local(),
        timezone: tz.name().to_string(),
        starts_at,
        ends_at,
        place,
        // Shown as a link: only the web's own schemes.
        online_url: event
            .online_urls()
            .find(|u| matches!(u.scheme(), "https" | "http"))
            .map(|u| u.to_string()),
        capacity: event
            .maximum_attendee_capacity
            .filter(|c| *c > 0)
            .and_then(|c| i32::try_from(c).ok()),
        join_mode: match event.join_mode {
            Some(wire::JoinMode::Restricted) => JoinMode::Approval,
            Some(wire::JoinMode::Invite | wire::JoinMode::External) => JoinMode::Invite,
            _ => JoinMode::Free,
        },
        status: match event.status {
            Some(wire::EventStatus::Cancelled) => EventStatus::Cancelled,
            Some(wire::EventStatus::Tentative) => EventStatus::Tentative,
            _ => EventStatus::Confirmed,
        },
        practice: None,
        rrule: None,
        remote_going: event.participant_count.and_then(|c| i32::try_from(c).ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_of_a_remote_event_are_kept() {
        let mut event: Event = serde_json::from_value(serde_json::json!({
            "type": "Event",
            "id": "https://mobilizon.example/events/1",
            "name": "Clinic",
            "startTime": "2030-03-12T09:00:00+01:00",
            "timezone": "Europe/Berlin",
            "location": [
                {"type": "VirtualLocation", "url": "javascript:alert(1)"},
                {"type": "VirtualLocation", "url": "https://video.example/clinic"}
            ]
        }))
        .unwrap();
        let fields = fields_of(&event).unwrap();
        assert_eq!(
            fields.online_url.as_deref(),
            Some("https://video.example/clinic")
        );
        assert_eq!(fields.starts_local.to_string(), "2030-03-12 09:00:00");
        event.location.pop();
        assert_eq!(fields_of(&event).unwrap().online_url, None);
    }
}
