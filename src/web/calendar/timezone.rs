//! `VTIMEZONE` definitions (RFC 5545 §3.6.5) for the IANA zones a calendar
//! uses, from chrono-tz's data: every UTC-offset change between the first
//! year needed and ten years after the last, as `STANDARD` / `DAYLIGHT`
//! observances. The `icalendar` crate writes events but has no time-zone
//! component, so these blocks are written here and placed before the events.

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// Years after the last event that the observances cover (for series).
const YEARS_AHEAD: i32 = 10;

/// The `VTIMEZONE` block for `tz`, covering `first_year` to `last_year` + 10.
pub fn vtimezone(tz: Tz, first_year: i32, last_year: i32) -> String {
    let mut lines = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", tz.name())];
    let start = Utc
        .with_ymd_and_hms(first_year, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let end = Utc
        .with_ymd_and_hms(last_year + YEARS_AHEAD, 12, 31, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let mut transitions = Vec::new();
    let mut day = start;
    while day < end {
        let next = day + Duration::days(1);
        if offset_seconds(tz, day) != offset_seconds(tz, next) {
            transitions.push(first_change(tz, day, next));
        }
        day = next;
    }
    // The offset in force when the range starts, then every change.
    lines.extend(observance(tz, start, start));
    for at in transitions {
        lines.extend(observance(tz, at - Duration::seconds(1), at));
    }
    lines.push("END:VTIMEZONE".into());
    lines.join("\r\n") + "\r\n"
}

fn offset_seconds(tz: Tz, at: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The first instant (to the second) in (`from`, `to`] with the offset of `to`.
fn first_change(tz: Tz, mut from: DateTime<Utc>, mut to: DateTime<Utc>) -> DateTime<Utc> {
    let target = offset_seconds(tz, to);
    while to - from > Duration::seconds(1) {
        let mid = from + (to - from) / 2;
        if offset_seconds(tz, mid) == target {
            to = mid;
        } else {
            from = mid;
        }
    }
    to
}

/// One observance: from `at`, the offset changes from the one at `before`
/// (the same instant for the offset the range starts with).
fn observance(tz: Tz, before: DateTime<Utc>, at: DateTime<Utc>) -> Vec<String> {
    let old = tz.offset_from_utc_datetime(&before.naive_utc());
    let new = tz.offset_from_utc_datetime(&at.naive_utc());
    let kind = if new.dst_offset().num_seconds() != 0 {
        "DAYLIGHT"
    } else {
        "STANDARD"
    };
    // DTSTART is the local time of the change on the old clock.
    let local = at.naive_utc() + Duration::seconds(i64::from(old.fix().local_minus_utc()));
    let mut lines = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")),
        format!("TZOFFSETFROM:{}", utc_offset(old.fix().local_minus_utc())),
        format!("TZOFFSETTO:{}", utc_offset(new.fix().local_minus_utc())),
    ];
    if let Some(name) = new.abbreviation() {
        lines.push(format!("TZNAME:{name}"));
    }
    lines.push(format!("END:{kind}"));
    lines
}

/// `+0100`, `-0330`.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_in_2027_changes_at_the_end_of_march_and_of_october() {
        let block = vtimezone(chrono_tz::Europe::Berlin, 2027, 2027);
        assert!(block.contains("BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST"), "{block}");
        assert!(block.contains("BEGIN:STANDARD\r\nDTSTART:20271031T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET"), "{block}");
    }

    #[test]
    fn the_range_starts_with_the_offset_in_force_so_early_events_are_covered() {
        let block = vtimezone(chrono_tz::Europe::Berlin, 2027, 2027);
        assert!(block.contains("BEGIN:STANDARD\r\nDTSTART:20270101T010000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100"), "{block}");
    }

    #[test]
    fn a_zone_without_changes_has_one_standard_observance() {
        let block = vtimezone(chrono_tz::Asia::Kolkata, 2027, 2027);
        assert_eq!(block.matches("BEGIN:STANDARD").count(), 1, "{block}");
        assert!(block.contains("TZOFFSETTO:+0530"));
    }
}
