//! A directory search as a reader gives it: the raw parameters, checked
//! into known stages, cadences and language tags, bounded text and a page
//! number, with the facets a match must have.

use super::{Cadence, Facets, normalise};
use crate::domain::{FieldError, charter::Stage};

/// Longest full-text query, in characters.
pub const MAX_QUERY: usize = 200;
/// Longest topic or organisation filter, in characters.
pub const MAX_FILTER: usize = 200;

/// A directory search as a reader gives it, checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DirectoryQuery {
    /// Words to find (web-search syntax: quotes, `or`, `-word`).
    pub q: Option<String>,
    pub topic: Option<String>,
    pub stage: Option<Stage>,
    pub org: Option<String>,
    pub lang: Option<String>,
    pub cadence: Option<Cadence>,
    /// Communities like this one (a handle `name@host` or an actor URL).
    pub like: Option<String>,
    /// From 1.
    pub page: u32,
}

/// The raw parameters of a directory search.
#[derive(Clone, Debug, Default)]
pub struct RawQuery {
    pub q: Option<String>,
    pub topic: Option<String>,
    pub stage: Option<String>,
    pub org: Option<String>,
    pub lang: Option<String>,
    pub cadence: Option<String>,
    pub like: Option<String>,
    pub page: Option<String>,
}

fn present(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn bounded(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, FieldError> {
    match present(value) {
        Some(v) if v.chars().count() > max => Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        )),
        other => Ok(other),
    }
}

impl DirectoryQuery {
    /// Checks the raw parameters: unknown stages and cadences, malformed
    /// language tags, oversized text and pages that are not numbers from 1
    /// name their field.
    pub fn parse(raw: RawQuery) -> Result<DirectoryQuery, FieldError> {
        let stage = match present(raw.stage) {
            None => None,
            Some(s) => Some(
                serde_json::from_value::<Stage>(s.to_ascii_lowercase().into()).map_err(|_| {
                    FieldError::new(
                        "stage",
                        "must be forming, active, established, dormant or archived",
                    )
                })?,
            ),
        };
        let cadence = match present(raw.cadence) {
            None => None,
            Some(c) => Some(Cadence::parse(&c).ok_or_else(|| {
                FieldError::new("cadence", "must be weekly, fortnightly, monthly or online")
            })?),
        };
        let lang = present(raw.lang);
        if let Some(tag) = &lang {
            let ok = tag.len() <= 35
                && tag.split('-').enumerate().all(|(i, part)| {
                    let n = part.len();
                    part.chars().all(|c| c.is_ascii_alphanumeric())
                        && if i == 0 {
                            (2..=3).contains(&n) && part.chars().all(|c| c.is_ascii_alphabetic())
                        } else {
                            (1..=8).contains(&n)
                        }
                });
            if !ok {
                return Err(FieldError::new(
                    "lang",
                    "must be a BCP 47 language tag such as `en` or `pt-BR`",
                ));
            }
        }
        let page = match present(raw.page) {
            None => 1,
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100_000).contains(p))
                .ok_or_else(|| FieldError::new("page", "must be a page number from 1"))?,
        };
        Ok(DirectoryQuery {
            q: bounded("q", raw.q, MAX_QUERY)?,
            topic: bounded("topic", raw.topic, MAX_FILTER)?.map(|t| normalise(&t)),
            stage,
            org: bounded("org", raw.org, MAX_FILTER)?.map(|o| normalise(&o)),
            lang: lang.map(|l| l.to_ascii_lowercase()),
            cadence,
            like: bounded("like", raw.like, 2048)?,
            page,
        })
    }

    /// The facets an entry must contain to match the filters.
    pub fn required_facets(&self) -> Facets {
        Facets {
            topics: self.topic.iter().cloned().collect(),
            orgs: self.org.iter().cloned().collect(),
            langs: self.lang.iter().cloned().collect(),
            stage: self
                .stage
                .map(|s| s.as_str().to_string())
                .into_iter()
                .collect(),
            cadence: self
                .cadence
                .map(|c| c.as_str().to_string())
                .into_iter()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_filter_values_name_their_field() {
        let bad = |raw: RawQuery| DirectoryQuery::parse(raw).unwrap_err().field;
        assert_eq!(
            bad(RawQuery {
                stage: Some("sleeping".into()),
                ..Default::default()
            }),
            "stage"
        );
        assert_eq!(
            bad(RawQuery {
                cadence: Some("daily".into()),
                ..Default::default()
            }),
            "cadence"
        );
        assert_eq!(
            bad(RawQuery {
                lang: Some("english!".into()),
                ..Default::default()
            }),
            "lang"
        );
        assert_eq!(
            bad(RawQuery {
                page: Some("0".into()),
                ..Default::default()
            }),
            "page"
        );
        assert_eq!(
            bad(RawQuery {
                q: Some("x".repeat(201)),
                ..Default::default()
            }),
            "q"
        );
        let ok = DirectoryQuery::parse(RawQuery {
            topic: Some("  Threat   Modelling ".into()),
            lang: Some("pt-BR".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.required_facets().topics, vec!["threat modelling"]);
        assert_eq!(ok.required_facets().langs, vec!["pt-br"]);
    }
}
