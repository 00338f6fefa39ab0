//! A local event as the `Event` object we serve and send (FEP-8a8e, in the
//! shapes Mobilizon reads). Mastodon shows only `name`, `summary` and a
//! link, so `summary` says when (local time, zone and offset) and where.

use crate::{
    domain::event::{EventStatus, JoinMode},
    protocol::{
        event::{
            Address, Event, EventStatus as WireStatus, JoinMode as WireJoinMode, Location, Place,
            PostalAddress, PostalAddressKind, VirtualLocation,
        },
        lenient::PUBLIC,
    },
    services::event::{EventView, schedule_of},
};
use chrono::{DateTime, Utc};
use url::Url;

/// The `Event` for `view` (a one-off event or one occurrence of a series).
pub fn event_object(view: &EventView) -> Event {
    let row = &view.row;
    let schedule = schedule_of(row);
    let local = |at: DateTime<Utc>| at.with_timezone(&schedule.timezone).fixed_offset();
    let id = Url::parse(&row.ap_id).expect("stored event ids are URLs");
    let mut event = Event::new(id.clone(), local(row.starts_at));
    event.end_time = Some(local(row.ends_at));
    event.timezone = Some(row.timezone.clone());
    event.name = Some(row.title.clone());
    event.content = Some(row.description.clone());
    event.media_type = Some("text/html".into());
    event.summary = Some(summary(view));
    event.location = locations(view);
    event.is_online = Some(row.place.is_none() && row.online_url.is_some());
    event.join_mode = Some(match row.join_mode {
        JoinMode::Free => WireJoinMode::Free,
        JoinMode::Approval => WireJoinMode::Restricted,
        JoinMode::Invite => WireJoinMode::Invite,
    });
    let going = u64::try_from(view.going).unwrap_or(0);
    event.participant_count = Some(going);
    if let Some(capacity) = row.capacity.and_then(|c| u64::try_from(c).ok()) {
        event.maximum_attendee_capacity = Some(capacity);
        event.remaining_attendee_capacity = Some(capacity.saturating_sub(going));
    }
    event.status = Some(match row.status {
        EventStatus::Confirmed => WireStatus::Confirmed,
        EventStatus::Tentative => WireStatus::Tentative,
        EventStatus::Cancelled => WireStatus::Cancelled,
    });
    event.attributed_to = Url::parse(&view.organiser.ap_id).ok();
    event.audience = Url::parse(&view.community.ap_id).ok();
    event.to = [Url::parse(PUBLIC).ok(), event.audience.clone()]
        .into_iter()
        .flatten()
        .collect();
    event.cc = view
        .community
        .followers_url
        .as_deref()
        .and_then(|f| Url::parse(f).ok())
        .into_iter()
        .collect();
    event.url = Some(id);
    event.published = Some(row.published.fixed_offset());
    event.updated = row.updated.map(|u| u.fixed_offset());
    event
}

/// What Mastodon shows: "Cancelled: " first when so, then when and where.
pub fn summary(view: &EventView) -> String {
    let row = &view.row;
    let mut lines = Vec::new();
    if row.status == EventStatus::Cancelled {
        lines.push("CANCELLED".to_string());
    }
    lines.push(format!("🗓 {}", schedule_of(row).readable()));
    if let Some(place) = &row.place {
        lines.push(format!("📍 {}", place.one_line()));
    }
    if let Some(online) = &row.online_url {
        lines.push(format!("🔗 {online}"));
    }
    lines.push(format!(
        "{} going · reply \"going\", \"interested\" or \"not going\" to answer",
        view.going
    ));
    lines.join("\n")
}

fn locations(view: &EventView) -> Vec<Location> {
    let row = &view.row;
    let mut out = Vec::new();
    if let Some(place) = &row.place {
        out.push(Location::Place(Place {
            id: None,
            name: Some(place.name.clone()),
            address: place.address.as_ref().map(|a| {
                Address::Postal(PostalAddress {
                    kind: PostalAddressKind::PostalAddress,
                    street_address: a.street.clone(),
                    postal_code: a.postal_code.clone(),
                    address_locality: a.locality.clone(),
                    address_region: a.region.clone(),
                    address_country: a.country.clone(),
                })
            }),
            latitude: place.latitude,
            longitude: place.longitude,
            url: None,
        }));
    }
    if let Some(url) = row.online_url.as_deref().and_then(|u| Url::parse(u).ok()) {
        out.push(Location::VirtualLocation(VirtualLocation {
            name: Some("Online".into()),
            url,
        }));
    }
    out
}
