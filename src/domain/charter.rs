//! The community charter (from the Minimum Viable Community "mini charter")
//! and its validation rules.

use super::FieldError;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// A community's charter: what it is for, who it is for, and how it practises.
/// Every field but `purpose` is optional; unknown fields are refused.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Charter {
    /// The shared area of focus, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Topic tags.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Why the community exists.
    pub purpose: String,
    /// The impact it wants to have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    /// How the community will know it has that impact.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Who the community is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Why they are the right people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience_rationale: Option<String>,
    /// The core team: `@user`, `@user@host` or actor URLs.
    #[serde(default)]
    pub core_team: Vec<String>,
    /// Recurring activities.
    #[serde(default)]
    pub practices: Vec<Practice>,
    /// Where and how often the community meets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meetings: Option<String>,
    /// Where the community's content lives.
    #[serde(default)]
    pub content_links: Vec<ContentLink>,
    /// Life-cycle stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// Owning organisation(s).
    #[serde(default)]
    pub organisations: Vec<String>,
    /// Languages, as BCP 47 tags.
    #[serde(default)]
    pub languages: Vec<String>,
}

/// A recurring activity of the community.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How often, e.g. "every second Tuesday".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<String>,
    /// Where it happens (a room, a call link, a channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#where: Option<String>,
}

/// A link to where the community's content lives.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContentLink {
    pub label: String,
    pub url: String,
}

/// Life-cycle stage of a community.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Forming,
    Active,
    /// Running for a while, with its practice settled.
    Established,
    Dormant,
    Archived,
}

impl Stage {
    /// The stage as written in the API and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Forming => "forming",
            Stage::Active => "active",
            Stage::Established => "established",
            Stage::Dormant => "dormant",
            Stage::Archived => "archived",
        }
    }
}

const MAX_LINE: usize = 200;
const MAX_TEXT: usize = 4000;
const MAX_ITEMS: usize = 50;

static LANGUAGE_TAG: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$").expect("valid regex")
});
static CORE_TEAM_HANDLE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^@[a-z0-9_]+([.-][a-z0-9_]+)*(@[A-Za-z0-9.-]+(:[0-9]+)?)?$")
        .expect("valid regex")
});

impl Charter {
    /// Checks every rule; the error names the first field that breaks one.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.purpose.trim().is_empty() {
            return Err(FieldError::new("charter.purpose", "must not be empty"));
        }
        text("charter.purpose", &self.purpose, MAX_TEXT)?;
        optional("charter.domain", &self.domain, MAX_LINE)?;
        optional("charter.impact", &self.impact, MAX_TEXT)?;
        optional("charter.audience", &self.audience, MAX_TEXT)?;
        optional(
            "charter.audience_rationale",
            &self.audience_rationale,
            MAX_TEXT,
        )?;
        optional("charter.meetings", &self.meetings, MAX_TEXT)?;
        list("charter.topics", &self.topics, 64)?;
        list("charter.indicators", &self.indicators, MAX_LINE * 2)?;
        list("charter.organisations", &self.organisations, MAX_LINE)?;
        list("charter.core_team", &self.core_team, MAX_LINE)?;
        for (i, member) in self.core_team.iter().enumerate() {
            if !CORE_TEAM_HANDLE.is_match(member) && !is_http_url(member) {
                return Err(FieldError::new(
                    format!("charter.core_team[{i}]"),
                    "must be @user, @user@host or an http(s) actor URL",
                ));
            }
        }
        list("charter.languages", &self.languages, 35)?;
        for (i, tag) in self.languages.iter().enumerate() {
            if !LANGUAGE_TAG.is_match(tag) {
                return Err(FieldError::new(
                    format!("charter.languages[{i}]"),
                    "must be a BCP 47 language tag such as `en` or `pt-BR`",
                ));
            }
        }
        count("charter.practices", self.practices.len())?;
        for (i, practice) in self.practices.iter().enumerate() {
            let field = format!("charter.practices[{i}]");
            required(&format!("{field}.name"), &practice.name, MAX_LINE)?;
            optional(
                &format!("{field}.description"),
                &practice.description,
                MAX_TEXT,
            )?;
            optional(&format!("{field}.cadence"), &practice.cadence, MAX_LINE)?;
            optional(&format!("{field}.where"), &practice.r#where, MAX_LINE)?;
        }
        count("charter.content_links", self.content_links.len())?;
        for (i, link) in self.content_links.iter().enumerate() {
            let field = format!("charter.content_links[{i}]");
            required(&format!("{field}.label"), &link.label, MAX_LINE)?;
            if !is_http_url(&link.url) {
                return Err(FieldError::new(
                    format!("{field}.url"),
                    "must be an absolute http(s) URL",
                ));
            }
        }
        Ok(())
    }
}

fn is_http_url(value: &str) -> bool {
    url::Url::parse(value)
        .map(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
        .unwrap_or(false)
        && value.len() <= 2000
}

fn text(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

fn required(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    text(field, value, max)
}

fn optional(field: &str, value: &Option<String>, max: usize) -> Result<(), FieldError> {
    value.as_deref().map_or(Ok(()), |v| text(field, v, max))
}

fn count(field: &str, len: usize) -> Result<(), FieldError> {
    if len > MAX_ITEMS {
        return Err(FieldError::new(
            field,
            format!("must have at most {MAX_ITEMS} entries"),
        ));
    }
    Ok(())
}

fn list(field: &str, values: &[String], max: usize) -> Result<(), FieldError> {
    count(field, values.len())?;
    for (i, value) in values.iter().enumerate() {
        required(&format!("{field}[{i}]"), value, max)?;
    }
    Ok(())
}
