//! What the charter directory reads from a charter: the exact filter values
//! (facets) a search matches, how often and where a community meets, and
//! the text search configuration for its language. The search filters a
//! reader may give are in `query`.

mod query;

pub use query::{DirectoryQuery, MAX_FILTER, MAX_QUERY, RawQuery};

use super::charter::Charter;
use serde::Serialize;

/// How often (or where) a community meets, as the `cadence` filter names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    Weekly,
    Fortnightly,
    Monthly,
    /// Every place it names is online.
    Online,
}

impl Cadence {
    /// The filter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Fortnightly => "fortnightly",
            Cadence::Monthly => "monthly",
            Cadence::Online => "online",
        }
    }

    /// Parses a filter value (`online-only` is `online`).
    pub fn parse(value: &str) -> Option<Cadence> {
        match value.trim().to_ascii_lowercase().as_str() {
            "weekly" => Some(Cadence::Weekly),
            "fortnightly" | "biweekly" => Some(Cadence::Fortnightly),
            "monthly" => Some(Cadence::Monthly),
            "online" | "online-only" | "online_only" => Some(Cadence::Online),
            _ => None,
        }
    }
}

/// The exact-match values of an entry, stored as JSON and matched with
/// containment: every list holds lower-case values.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Facets {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub orgs: Vec<String>,
    /// Each tag, and its primary language (`pt-br` and `pt`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub langs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stage: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cadence: Vec<String>,
}

/// Lower case, trimmed, inner whitespace collapsed: how filter values compare.
pub fn normalise(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Facets {
    /// The facets of `charter`.
    pub fn of(charter: &Charter) -> Facets {
        let mut langs = Vec::new();
        for tag in &charter.languages {
            let tag = tag.to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or_default().to_string();
            langs.push(tag);
            langs.push(primary);
        }
        langs.sort();
        langs.dedup();
        Facets {
            topics: unique(charter.topics.iter().map(|t| normalise(t))),
            orgs: unique(charter.organisations.iter().map(|o| normalise(o))),
            langs,
            stage: charter
                .stage
                .map(|s| s.as_str().to_string())
                .into_iter()
                .collect(),
            cadence: cadences(charter)
                .into_iter()
                .map(|c| c.as_str().to_string())
                .collect(),
        }
    }
}

fn unique(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut values: Vec<String> = values.filter(|v| !v.is_empty()).collect();
    values.sort();
    values.dedup();
    values
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// How often and where a community meets, read from its practices'
/// cadences and places and its `meetings` text (English words):
/// "every other week", "every second Tuesday", "biweekly" and "fortnightly"
/// are fortnightly; "weekly", "every week" and "every Tuesday" weekly;
/// anything with "month" monthly; and a community is online when every
/// place it names (practices' `where`, `meetings`) is a link or says online,
/// video, call, remote or virtual.
pub fn cadences(charter: &Charter) -> Vec<Cadence> {
    let mut texts: Vec<String> = charter
        .practices
        .iter()
        .filter_map(|p| p.cadence.as_deref())
        .map(str::to_lowercase)
        .collect();
    texts.extend(charter.meetings.as_deref().map(str::to_lowercase));
    let mut found = Vec::new();
    for text in &texts {
        let fortnightly = [
            "fortnight",
            "every other week",
            "every two weeks",
            "biweekly",
        ]
        .iter()
        .any(|w| text.contains(w))
            || WEEKDAYS.iter().any(|d| {
                text.contains(&format!("every second {d}"))
                    || text.contains(&format!("every other {d}"))
            });
        let weekly = !fortnightly
            && (text.contains("every week")
                || text.contains("each week")
                || (text.contains("weekly") && !text.contains("biweekly"))
                || WEEKDAYS
                    .iter()
                    .any(|d| text.contains(&format!("every {d}"))));
        let monthly = text.contains("month");
        for (yes, cadence) in [
            (weekly, Cadence::Weekly),
            (fortnightly, Cadence::Fortnightly),
            (monthly, Cadence::Monthly),
        ] {
            if yes && !found.contains(&cadence) {
                found.push(cadence);
            }
        }
    }
    let places: Vec<String> = charter
        .practices
        .iter()
        .filter_map(|p| p.r#where.as_deref())
        .chain(charter.meetings.as_deref())
        .map(str::to_lowercase)
        .collect();
    let online = |place: &String| {
        [
            "online", "video", "call", "remote", "virtual", "http://", "https://",
        ]
        .iter()
        .any(|w| place.contains(w))
    };
    if !places.is_empty() && places.iter().all(online) {
        found.push(Cadence::Online);
    }
    found
}

/// PostgreSQL text search configurations for the languages we stem; any
/// other language is indexed with `simple` (no stemming).
pub const SEARCH_CONFIGS: &[(&str, &str)] = &[
    ("en", "english"),
    ("de", "german"),
    ("fr", "french"),
    ("es", "spanish"),
    ("pt", "portuguese"),
    ("nl", "dutch"),
    ("it", "italian"),
    ("sv", "swedish"),
    ("da", "danish"),
    ("nb", "norwegian"),
    ("no", "norwegian"),
    ("fi", "finnish"),
    ("ru", "russian"),
];

/// The configuration for a charter: that of its first language we stem,
/// else `simple`.
pub fn search_config(languages: &[String]) -> &'static str {
    languages
        .iter()
        .filter_map(|tag| {
            let primary = tag.split('-').next()?.to_ascii_lowercase();
            SEARCH_CONFIGS
                .iter()
                .find(|(code, _)| *code == primary)
                .map(|(_, config)| *config)
        })
        .next()
        .unwrap_or("simple")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::charter::Practice;

    fn practice(cadence: &str, place: &str) -> Practice {
        Practice {
            name: "session".into(),
            cadence: Some(cadence.into()),
            r#where: Some(place.into()),
            ..Default::default()
        }
    }

    #[test]
    fn cadences_are_read_from_practices_and_meetings() {
        let mut charter = Charter {
            purpose: "p".into(),
            practices: vec![practice("every second Tuesday", "https://meet.example/x")],
            ..Default::default()
        };
        assert_eq!(
            cadences(&charter),
            vec![Cadence::Fortnightly, Cadence::Online]
        );
        charter.practices = vec![practice("Weekly on Fridays", "Room 4")];
        assert_eq!(cadences(&charter), vec![Cadence::Weekly]);
        charter.meetings = Some("once a month, online".into());
        assert_eq!(cadences(&charter), vec![Cadence::Weekly, Cadence::Monthly]);
    }

    #[test]
    fn the_first_stemmed_language_picks_the_configuration() {
        assert_eq!(search_config(&["tlh".into(), "pt-BR".into()]), "portuguese");
        assert_eq!(search_config(&["tlh".into()]), "simple");
        assert_eq!(search_config(&[]), "simple");
    }
}
