//! Recurring sessions: an RFC 5545 `RRULE` value ("every second Tuesday":
//! `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`) on an event's schedule. Occurrences
//! keep their local time across clock changes.

use super::schedule::Schedule;
use crate::domain::FieldError;
use chrono::{DateTime, NaiveDateTime, Utc};
use rrule::{Frequency, RRule, RRuleSet, Unvalidated};

/// How many occurrences ahead are kept as events of their own (and sent to
/// peers that do not understand rules).
pub const WINDOW: usize = 4;

/// A checked recurrence rule on a schedule.
#[derive(Clone, Debug)]
pub struct Recurrence {
    rule: String,
    set: RRuleSet,
}

impl Recurrence {
    /// Parses `value` (the part after `RRULE:`) for `schedule`: at most
    /// daily, and it must give at least one occurrence.
    pub fn new(value: &str, schedule: &Schedule) -> Result<Self, FieldError> {
        let invalid = |why: String| FieldError::new("rrule", why);
        let value = value.trim().trim_start_matches("RRULE:");
        if value.len() > 300 || value.contains(['\n', '\r']) {
            return Err(invalid("one RRULE value of at most 300 characters".into()));
        }
        let rule: RRule<Unvalidated> = value
            .parse()
            .map_err(|e| invalid(format!("not an RFC 5545 RRULE: {e}")))?;
        if matches!(
            rule.get_freq(),
            Frequency::Hourly | Frequency::Minutely | Frequency::Secondly
        ) {
            return Err(invalid("sessions recur at most daily".into()));
        }
        let tz: rrule::Tz = schedule.timezone.into();
        let start = schedule
            .start
            .and_local_timezone(tz)
            .earliest()
            .ok_or_else(|| invalid("the start does not exist in the time zone".into()))?;
        let set = rule
            .build(start)
            .map_err(|e| invalid(format!("not a valid rule for this start: {e}")))?;
        let recurrence = Recurrence {
            rule: value.to_string(),
            set,
        };
        if recurrence
            .starts_after(schedule.starts_at() - chrono::Duration::seconds(1), 1)
            .is_empty()
        {
            return Err(invalid("the rule gives no occurrence".into()));
        }
        Ok(recurrence)
    }

    /// The rule as given (without `RRULE:`).
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The local start times of the next `count` occurrences strictly
    /// after `after` (the rule's own `after` includes an occurrence at
    /// that very instant).
    pub fn starts_after(&self, after: DateTime<Utc>, count: usize) -> Vec<NaiveDateTime> {
        let tz = self.set.get_dt_start().timezone();
        let after = after + chrono::Duration::seconds(1);
        self.set
            .clone()
            .after(after.with_timezone(&tz))
            .all(u16::try_from(count).unwrap_or(u16::MAX))
            .dates
            .into_iter()
            .map(|d| d.naive_local())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::schedule::parse_timezone;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn every_second_tuesday_keeps_nine_oclock_across_the_clock_change() {
        let berlin = parse_timezone("Europe/Berlin").unwrap();
        let schedule =
            Schedule::new(at("2027-03-09T09:00"), at("2027-03-09T10:30"), berlin).unwrap();
        let rule = Recurrence::new("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", &schedule).unwrap();
        let starts = rule.starts_after(schedule.starts_at() - chrono::Duration::minutes(1), 4);
        let shown: Vec<String> = starts
            .iter()
            .map(|s| s.format("%m-%d %H:%M").to_string())
            .collect();
        assert_eq!(
            shown,
            ["03-09 09:00", "03-23 09:00", "04-06 09:00", "04-20 09:00"]
        );
        // Strictly after: asking from the last one gives the one after it.
        let last = crate::domain::event::schedule::instant(starts[3], berlin).unwrap();
        let next = rule.starts_after(last, 1);
        assert_eq!(next[0].format("%m-%d %H:%M").to_string(), "05-04 09:00");
    }

    #[test]
    fn malformed_too_frequent_and_empty_rules_are_refused() {
        let berlin = parse_timezone("Europe/Berlin").unwrap();
        let schedule =
            Schedule::new(at("2027-03-09T09:00"), at("2027-03-09T10:30"), berlin).unwrap();
        for bad in [
            "FREQ=SOMETIMES",
            "FREQ=HOURLY",
            "BYDAY=TU",
            "FREQ=WEEKLY;UNTIL=20200101T000000Z",
        ] {
            let err = Recurrence::new(bad, &schedule).unwrap_err();
            assert_eq!(err.field, "rrule", "{bad}");
        }
    }
}
