//! A charter read by people: at a glance on the community page, and field
//! by field ([`fields`]) for the version history's diff.

use crate::domain::charter::Charter;
use maud::{Markup, html};

/// The charter as a definition list, in the order a newcomer asks: what,
/// why, for whom, how and when, where its content lives, its stage.
pub fn at_a_glance(c: &Charter) -> Markup {
    html! {
        dl.charter {
            dt { "Purpose" } dd { (c.purpose) }
            @if let Some(impact) = &c.impact { dt { "Desired impact" } dd { (impact) } }
            @if !c.indicators.is_empty() {
                dt { "How we will know" } dd { ul { @for i in &c.indicators { li { (i) } } } }
            }
            @if let Some(audience) = &c.audience { dt { "Who it is for" } dd { (audience) } }
            @if let Some(why) = &c.audience_rationale { dt { "Why them" } dd { (why) } }
            @if !c.core_team.is_empty() { dt { "Core team" } dd { (c.core_team.join(", ")) } }
            @if !c.practices.is_empty() {
                dt { "Practices" }
                dd { ul { @for p in &c.practices {
                    li {
                        strong { (p.name) }
                        @if let Some(cadence) = &p.cadence { ", " (cadence) }
                        @if let Some(place) = &p.r#where { ", " (place) }
                        @if let Some(d) = &p.description { br; (d) }
                    }
                } } }
            }
            @if let Some(meetings) = &c.meetings { dt { "Meets" } dd { (meetings) } }
            @if !c.content_links.is_empty() {
                dt { "Content lives at" }
                dd { ul { @for l in &c.content_links {
                    li { a href=(l.url) rel="nofollow noopener" { (l.label) } }
                } } }
            }
            @if !c.topics.is_empty() {
                dt { "Topics" } dd { @for t in &c.topics { span.tag { (t) } } }
            }
            @if let Some(stage) = c.stage { dt { "Stage" } dd { (stage.as_str()) } }
            @if !c.organisations.is_empty() { dt { "Organisations" } dd { (c.organisations.join(", ")) } }
            @if !c.languages.is_empty() { dt { "Languages" } dd { (c.languages.join(", ")) } }
        }
    }
}

/// Every field of a charter as `(label, text)`, empty text when unset, in
/// the order of [`at_a_glance`].
pub fn fields(c: &Charter) -> Vec<(&'static str, String)> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        ("Domain", opt(&c.domain)),
        ("Purpose", c.purpose.clone()),
        ("Desired impact", opt(&c.impact)),
        ("How we will know", c.indicators.join("\n")),
        ("Who it is for", opt(&c.audience)),
        ("Why them", opt(&c.audience_rationale)),
        ("Core team", c.core_team.join(", ")),
        (
            "Practices",
            c.practices
                .iter()
                .map(|p| {
                    [
                        Some(p.name.clone()),
                        p.cadence.clone(),
                        p.r#where.clone(),
                        p.description.clone(),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" — ")
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("Meets", opt(&c.meetings)),
        (
            "Content lives at",
            c.content_links
                .iter()
                .map(|l| format!("{} <{}>", l.label, l.url))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("Topics", c.topics.join(", ")),
        (
            "Stage",
            c.stage.map(|s| s.as_str().to_string()).unwrap_or_default(),
        ),
        ("Organisations", c.organisations.join(", ")),
        ("Languages", c.languages.join(", ")),
    ]
}
