//! When an event happens: a start and an end as local date-times in an IANA
//! time zone. Stored as given (so a session at 09:00 stays at 09:00 across a
//! clock change) and as instants (for sorting and for peers).

use crate::domain::FieldError;
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A checked start, end and time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub timezone: Tz,
}

/// Parses an IANA time zone name (`Europe/Berlin`).
pub fn parse_timezone(name: &str) -> Result<Tz, FieldError> {
    name.parse::<Tz>().map_err(|_| {
        FieldError::new(
            "timezone",
            format!("`{name}` is not an IANA time zone (such as Europe/Berlin)"),
        )
    })
}

/// The instant a local time stands for in `tz`: `None` inside a gap (the
/// hour skipped when clocks go forward); the earlier one when clocks go back.
pub fn instant(local: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Some(earlier.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

impl Schedule {
    /// Checks that both times exist in the zone and that the end is after
    /// the start (and within 31 days of it).
    pub fn new(start: NaiveDateTime, end: NaiveDateTime, timezone: Tz) -> Result<Self, FieldError> {
        let exists = |field: &str, local: NaiveDateTime| {
            instant(local, timezone).ok_or_else(|| {
                FieldError::new(
                    field,
                    format!("{local} does not exist in {timezone}: the clocks skip it"),
                )
            })
        };
        let (from, to) = (exists("start", start)?, exists("end", end)?);
        if to <= from {
            return Err(FieldError::new("end", "must be after the start"));
        }
        if to - from > chrono::Duration::days(31) {
            return Err(FieldError::new("end", "an event lasts at most 31 days"));
        }
        Ok(Schedule {
            start,
            end,
            timezone,
        })
    }

    /// The start as an instant.
    pub fn starts_at(&self) -> DateTime<Utc> {
        instant(self.start, self.timezone).unwrap_or_else(|| self.start.and_utc())
    }

    /// The end as an instant.
    pub fn ends_at(&self) -> DateTime<Utc> {
        instant(self.end, self.timezone).unwrap_or_else(|| self.end.and_utc())
    }

    /// The same event moved to start at `start` (same length, same zone).
    pub fn moved_to(&self, start: NaiveDateTime) -> Option<Schedule> {
        Schedule::new(start, start + (self.end - self.start), self.timezone).ok()
    }

    /// For people: "Tue 9 Mar 2027, 09:00–10:30 (Europe/Berlin, UTC+01:00)".
    pub fn readable(&self) -> String {
        let offset = self
            .timezone
            .from_local_datetime(&self.start)
            .earliest()
            .map(|t| t.format("%:z").to_string())
            .unwrap_or_default();
        let end = if self.end.date() == self.start.date() {
            self.end.format("%H:%M").to_string()
        } else {
            self.end.format("%a %-d %b %Y, %H:%M").to_string()
        };
        format!(
            "{}–{} ({}, UTC{})",
            self.start.format("%a %-d %b %Y, %H:%M"),
            end,
            self.timezone.name(),
            offset
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn the_same_local_time_is_a_different_instant_on_each_side_of_a_clock_change() {
        let berlin = parse_timezone("Europe/Berlin").unwrap();
        let march = Schedule::new(at("2027-03-09T09:00"), at("2027-03-09T10:00"), berlin).unwrap();
        let april = Schedule::new(at("2027-04-06T09:00"), at("2027-04-06T10:00"), berlin).unwrap();
        assert_eq!(march.starts_at().to_rfc3339(), "2027-03-09T08:00:00+00:00");
        assert_eq!(april.starts_at().to_rfc3339(), "2027-04-06T07:00:00+00:00");
        assert!(march.readable().contains("UTC+01:00"));
        assert!(april.readable().contains("UTC+02:00"));
    }

    #[test]
    fn a_time_in_the_spring_gap_is_refused_and_so_is_an_end_before_the_start() {
        let berlin = parse_timezone("Europe/Berlin").unwrap();
        let gap = Schedule::new(at("2027-03-28T02:30"), at("2027-03-28T04:00"), berlin);
        assert_eq!(gap.unwrap_err().field, "start");
        let backwards = Schedule::new(at("2027-03-09T10:00"), at("2027-03-09T09:00"), berlin);
        assert_eq!(backwards.unwrap_err().field, "end");
        assert_eq!(
            parse_timezone("Mars/Olympus").unwrap_err().field,
            "timezone"
        );
    }
}
