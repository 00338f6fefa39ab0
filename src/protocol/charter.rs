//! The `charter` actor extension under the Guildhall JSON-LD namespace, and
//! the Mastodon-visible `PropertyValue` fields derived from a charter.

use super::property_value::{PropertyValue, PropertyValueKind};
use crate::domain::charter::{Charter, ContentLink, Practice, Stage};
use serde::{Deserialize, Serialize};

/// A charter as published on a `Group` actor (camelCase JSON-LD terms of
/// `https://w3id.org/guildhall#`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CharterJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience_rationale: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub core_team: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub practices: Vec<PracticeJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meetings: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content_links: Vec<ContentLinkJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
}

/// A recurring practice on the wire.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PracticeJson {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<String>,
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

/// A content link on the wire.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ContentLinkJson {
    pub label: String,
    pub href: String,
}

impl From<&Charter> for CharterJson {
    fn from(c: &Charter) -> Self {
        CharterJson {
            domain: c.domain.clone(),
            topics: c.topics.clone(),
            purpose: c.purpose.clone(),
            impact: c.impact.clone(),
            indicators: c.indicators.clone(),
            audience: c.audience.clone(),
            audience_rationale: c.audience_rationale.clone(),
            core_team: c.core_team.clone(),
            practices: c
                .practices
                .iter()
                .map(|p| PracticeJson {
                    name: p.name.clone(),
                    description: p.description.clone(),
                    cadence: p.cadence.clone(),
                    place: p.r#where.clone(),
                })
                .collect(),
            meetings: c.meetings.clone(),
            content_links: c
                .content_links
                .iter()
                .map(|l| ContentLinkJson {
                    label: l.label.clone(),
                    href: l.url.clone(),
                })
                .collect(),
            stage: c.stage.map(|s| s.as_str().to_string()),
            organisations: c.organisations.clone(),
            languages: c.languages.clone(),
        }
    }
}

impl CharterJson {
    /// Reads a remote charter into our domain type; an unknown stage is dropped.
    pub fn to_charter(&self) -> Charter {
        Charter {
            domain: self.domain.clone(),
            topics: self.topics.clone(),
            purpose: self.purpose.clone(),
            impact: self.impact.clone(),
            indicators: self.indicators.clone(),
            audience: self.audience.clone(),
            audience_rationale: self.audience_rationale.clone(),
            core_team: self.core_team.clone(),
            practices: self
                .practices
                .iter()
                .map(|p| Practice {
                    name: p.name.clone(),
                    description: p.description.clone(),
                    cadence: p.cadence.clone(),
                    r#where: p.place.clone(),
                })
                .collect(),
            meetings: self.meetings.clone(),
            content_links: self
                .content_links
                .iter()
                .map(|l| ContentLink {
                    label: l.label.clone(),
                    url: l.href.clone(),
                })
                .collect(),
            stage: self
                .stage
                .as_deref()
                .and_then(|s| serde_json::from_value::<Stage>(s.into()).ok()),
            organisations: self.organisations.clone(),
            languages: self.languages.clone(),
        }
    }
}

/// The profile fields Mastodon shows for a charter: Domain, Purpose, Meets, For.
pub fn property_values(charter: &Charter) -> Vec<PropertyValue> {
    let meets = charter.meetings.clone().or_else(|| {
        charter.practices.first().map(|p| {
            [
                Some(p.name.as_str()),
                p.cadence.as_deref(),
                p.r#where.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
        })
    });
    [
        ("Domain", charter.domain.clone()),
        ("Purpose", Some(charter.purpose.clone())),
        ("Meets", meets),
        ("For", charter.audience.clone()),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        value
            .filter(|v| !v.trim().is_empty())
            .map(|value| PropertyValue {
                kind: PropertyValueKind::PropertyValue,
                name: name.to_string(),
                value: escape_html(&value),
            })
    })
    .collect()
}

/// Mastodon renders `PropertyValue.value` as HTML; our values are plain text.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
