//! What someone asks to create or change, checked into the fields an event
//! row stores: Markdown to sanitised HTML, a schedule that exists in its
//! time zone, a place, a link, a capacity and a recurrence rule.

use crate::{
    db::event::{EventFields, EventRow},
    domain::{
        FieldError,
        event::{
            EventStatus, JoinMode, Place, check_online_url, check_text,
            recurrence::Recurrence,
            schedule::{Schedule, parse_timezone},
        },
        markdown,
    },
};
use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer, Serialize};

/// A new event, as the API takes it (`start`/`end`: local date-times in
/// `timezone`, such as `2027-03-09T09:00`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub description: String,
    #[serde(deserialize_with = "local_time")]
    pub start: NaiveDateTime,
    #[serde(deserialize_with = "local_time")]
    pub end: NaiveDateTime,
    /// IANA time zone, such as `Europe/Berlin`.
    pub timezone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i64>,
    #[serde(default)]
    pub join_mode: JoinMode,
    #[serde(default)]
    pub status: EventStatus,
    /// The charter practice this event belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<String>,
    /// An RFC 5545 RRULE value, such as `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rrule: Option<String>,
}

/// Changes to an event: the fields given replace the current ones
/// (`null` clears an optional one).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        default,
        deserialize_with = "some_local_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub start: Option<NaiveDateTime>,
    #[serde(
        default,
        deserialize_with = "some_local_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Option<Place>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Option<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_mode: Option<JoinMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<EventStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<Option<String>>,
}

impl EventChanges {
    /// Whether the change moves the event in time.
    pub fn moves(&self) -> bool {
        self.start.is_some() || self.end.is_some() || self.timezone.is_some()
    }

    /// `current` with these changes applied.
    pub fn apply(self, current: &EventRow) -> EventInput {
        EventInput {
            title: self.title.unwrap_or_else(|| current.title.clone()),
            description: self
                .description
                .or_else(|| current.source.clone())
                .unwrap_or_else(|| current.description.clone()),
            start: self.start.unwrap_or(current.starts_local),
            end: self.end.unwrap_or(current.ends_local),
            timezone: self.timezone.unwrap_or_else(|| current.timezone.clone()),
            location: self.location.unwrap_or_else(|| current.place.clone()),
            online_url: self
                .online_url
                .unwrap_or_else(|| current.online_url.clone()),
            capacity: self
                .capacity
                .unwrap_or_else(|| current.capacity.map(i64::from)),
            join_mode: self.join_mode.unwrap_or(current.join_mode),
            status: self.status.unwrap_or(current.status),
            practice: self.practice.unwrap_or_else(|| current.practice.clone()),
            rrule: current.rrule.clone(),
        }
    }
}

/// Accepts `2027-03-09T09:00` or `2027-03-09T09:00:00`; refuses offsets.
fn parse_local(text: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            format!("`{text}` is not a local date-time such as 2027-03-09T09:00 (no offset: the time zone says it)")
        })
}

fn local_time<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    parse_local(&String::deserialize(d)?).map_err(serde::de::Error::custom)
}

fn some_local_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
    local_time(d).map(Some)
}

/// An input that passed every check.
#[derive(Clone, Debug)]
pub struct Checked {
    pub fields: EventFields,
    pub schedule: Schedule,
    pub recurrence: Option<Recurrence>,
}

/// Checks that `practice`, when given, is one the community's charter
/// names (`practices[].name`, compared without case); returns its name as
/// the charter spells it.
pub fn practice_of(
    practice: Option<&str>,
    charter: Option<&crate::domain::charter::Charter>,
) -> Result<Option<String>, FieldError> {
    let Some(practice) = practice else {
        return Ok(None);
    };
    charter
        .into_iter()
        .flat_map(|c| &c.practices)
        .find(|p| p.name.trim().eq_ignore_ascii_case(practice.trim()))
        .map(|p| Some(p.name.clone()))
        .ok_or_else(|| {
            FieldError::new(
                "practice",
                format!("`{practice}` is not a practice of the community's charter"),
            )
        })
}

/// Checks `input`: lengths, the schedule in its zone, place, link,
/// capacity and rule. The first broken rule names its field.
pub fn check(input: EventInput) -> Result<Checked, FieldError> {
    check_text("title", &input.title, 1, 200)?;
    check_text("description", &input.description, 0, 20_000)?;
    let timezone = parse_timezone(&input.timezone)?;
    let schedule = Schedule::new(input.start, input.end, timezone)?;
    if let Some(place) = &input.location {
        place.validate("location")?;
    }
    if let Some(url) = &input.online_url {
        check_online_url("online_url", url)?;
    }
    let capacity = match input.capacity {
        None => None,
        Some(c) if (0..=1_000_000).contains(&c) => i32::try_from(c).ok(),
        Some(_) => return Err(FieldError::new("capacity", "must be 0 to 1,000,000")),
    };
    if let Some(practice) = &input.practice {
        check_text("practice", practice, 1, 200)?;
    }
    let recurrence = input
        .rrule
        .as_deref()
        .map(|rule| Recurrence::new(rule, &schedule))
        .transpose()?;
    let description = markdown::to_html(&input.description);
    Ok(Checked {
        fields: EventFields {
            title: input.title.trim().to_string(),
            description,
            source: Some(input.description),
            starts_local: schedule.start,
            ends_local: schedule.end,
            timezone: timezone.name().to_string(),
            starts_at: schedule.starts_at(),
            ends_at: schedule.ends_at(),
            place: input.location,
            online_url: input.online_url,
            capacity,
            join_mode: input.join_mode,
            status: input.status,
            practice: input.practice,
            rrule: recurrence.as_ref().map(|r| r.rule().to_string()),
            remote_going: None,
        },
        schedule,
        recurrence,
    })
}
