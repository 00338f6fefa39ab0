//! The charter's fields in a form (used to create a community and to edit
//! its charter): what was typed read into a [`Charter`], and a charter
//! turned back into the form's starting values. Lists are one line each
//! (indicators) or comma-separated (topics, core team, organisations,
//! languages); practices and content links are rows, with blank rows to
//! add more. Field names are the API's (`charter.purpose`), so a
//! service's field error lands next to its field.

use super::form::{self, Fields, Problems, label};
use crate::domain::{
    FieldError,
    charter::{Charter, ContentLink, Practice, Stage},
};
use maud::{Markup, html};

/// The stages a charter may name, as the select offers them.
const STAGES: &[(&str, &str)] = &[
    ("", "Not said"),
    ("forming", "Forming: a minimum viable community"),
    ("active", "Active"),
    ("established", "Established"),
    ("dormant", "Dormant"),
    ("archived", "Archived"),
];

/// Blank rows offered after the practices and links already there.
const SPARE_ROWS: usize = 1;

fn split_commas(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn split_lines(value: &str) -> Vec<String> {
    value
        .lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The value at `i` of a repeated field, trimmed, `None` when blank.
fn nth(values: &[&str], i: usize) -> Option<String> {
    values
        .get(i)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(String::from)
}

/// True when no charter field was filled in.
pub fn is_blank(values: &Fields) -> bool {
    [
        "charter.purpose",
        "charter.domain",
        "charter.impact",
        "charter.audience",
        "charter.meetings",
        "charter.topics",
    ]
    .iter()
    .all(|name| values.optional(name).is_none())
}

/// Reads the charter the form describes (not yet validated: the services
/// check it and name the field that breaks a rule).
pub fn read(values: &Fields) -> Result<Charter, FieldError> {
    let stage = match values.get("charter.stage").trim() {
        "" => None,
        "forming" => Some(Stage::Forming),
        "active" => Some(Stage::Active),
        "established" => Some(Stage::Established),
        "dormant" => Some(Stage::Dormant),
        "archived" => Some(Stage::Archived),
        _ => return Err(FieldError::new("charter.stage", "choose one of the stages")),
    };
    let (names, cadences, places, descriptions) = (
        values.all("charter.practices.name"),
        values.all("charter.practices.cadence"),
        values.all("charter.practices.where"),
        values.all("charter.practices.description"),
    );
    let mut practices = Vec::new();
    for i in 0..names.len() {
        let (cadence, place, description) =
            (nth(&cadences, i), nth(&places, i), nth(&descriptions, i));
        let name = nth(&names, i);
        if name.is_none() && cadence.is_none() && place.is_none() && description.is_none() {
            continue;
        }
        practices.push(Practice {
            name: name.unwrap_or_default(),
            description,
            cadence,
            r#where: place,
        });
    }
    let (labels, urls) = (
        values.all("charter.content_links.label"),
        values.all("charter.content_links.url"),
    );
    let mut content_links = Vec::new();
    for i in 0..labels.len().max(urls.len()) {
        let (label, url) = (nth(&labels, i), nth(&urls, i));
        if label.is_none() && url.is_none() {
            continue;
        }
        content_links.push(ContentLink {
            label: label.unwrap_or_default(),
            url: url.unwrap_or_default(),
        });
    }
    Ok(Charter {
        domain: values.optional("charter.domain"),
        topics: split_commas(values.get("charter.topics")),
        purpose: values.get("charter.purpose").trim().to_string(),
        impact: values.optional("charter.impact"),
        indicators: split_lines(values.get("charter.indicators")),
        audience: values.optional("charter.audience"),
        audience_rationale: values.optional("charter.audience_rationale"),
        core_team: split_commas(values.get("charter.core_team")),
        practices,
        meetings: values.optional("charter.meetings"),
        content_links,
        stage,
        organisations: split_commas(values.get("charter.organisations")),
        languages: split_commas(values.get("charter.languages")),
    })
}

/// The form's starting values for `charter`.
pub fn values_of(c: &Charter) -> Fields {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut values = Fields::from_pairs([
        ("charter.domain", opt(&c.domain)),
        ("charter.topics", c.topics.join(", ")),
        ("charter.purpose", c.purpose.clone()),
        ("charter.impact", opt(&c.impact)),
        ("charter.indicators", c.indicators.join("\n")),
        ("charter.audience", opt(&c.audience)),
        ("charter.audience_rationale", opt(&c.audience_rationale)),
        ("charter.core_team", c.core_team.join(", ")),
        ("charter.meetings", opt(&c.meetings)),
        (
            "charter.stage",
            c.stage.map(|s| s.as_str().to_string()).unwrap_or_default(),
        ),
        ("charter.organisations", c.organisations.join(", ")),
        ("charter.languages", c.languages.join(", ")),
    ]);
    for p in &c.practices {
        values.push("charter.practices.name", p.name.clone());
        values.push("charter.practices.cadence", opt(&p.cadence));
        values.push("charter.practices.where", opt(&p.r#where));
        values.push("charter.practices.description", opt(&p.description));
    }
    for l in &c.content_links {
        values.push("charter.content_links.label", l.label.clone());
        values.push("charter.content_links.url", l.url.clone());
    }
    values
}

/// The charter's fields, filled with `values`, each with its problem.
pub fn fields(values: &Fields, problems: &Problems) -> Markup {
    let text = |name: &str, label: form::Label| {
        form::input(
            name,
            name,
            "text",
            label,
            values.get(name),
            problems.for_field(name),
        )
    };
    let area = |name: &str, label: form::Label, rows: u8| {
        form::textarea(
            name,
            label,
            values.get(name),
            rows,
            problems.for_field(name),
        )
    };
    let practices = values.all("charter.practices.name").len() + SPARE_ROWS;
    let links = values.all("charter.content_links.label").len() + SPARE_ROWS;
    let row_value = |name: &str, i: usize| {
        values
            .all(name)
            .get(i)
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    html! {
        fieldset {
            legend { "Domain and purpose" }
            (text("charter.domain", label("Domain").hint("The shared area of focus, in one line.")))
            (text("charter.topics", label("Topics").hint("Comma-separated, such as: threat modelling, appsec")))
            (area("charter.purpose", label("Purpose").required().hint("Why this community exists."), 4))
            (area("charter.impact", label("Desired impact"), 3))
            (area("charter.indicators", label("How we will know").hint("One indicator per line."), 3))
        }
        fieldset {
            legend { "People" }
            (area("charter.audience", label("Who it is for"), 3))
            (area("charter.audience_rationale", label("Why they are the right people"), 3))
            (text("charter.core_team", label("Core team").hint("Comma-separated handles: @ada, @grace@other.example")))
        }
        fieldset {
            legend { "Practice" }
            (area("charter.meetings", label("Where and how often it meets"), 2))
            @for i in 0..practices {
                div.row {
                    (form::input("charter.practices.name", &format!("charter.practices[{i}].name"), "text",
                        label(&format!("Practice {} name", i + 1)), &row_value("charter.practices.name", i),
                        problems.for_field(&format!("charter.practices[{i}].name"))))
                    (form::input("charter.practices.cadence", &format!("charter.practices[{i}].cadence"), "text",
                        label("Cadence"), &row_value("charter.practices.cadence", i),
                        problems.for_field(&format!("charter.practices[{i}].cadence"))))
                    (form::input("charter.practices.where", &format!("charter.practices[{i}].where"), "text",
                        label("Where"), &row_value("charter.practices.where", i),
                        problems.for_field(&format!("charter.practices[{i}].where"))))
                    (form::input("charter.practices.description", &format!("charter.practices[{i}].description"), "text",
                        label("What happens"), &row_value("charter.practices.description", i),
                        problems.for_field(&format!("charter.practices[{i}].description"))))
                }
            }
            @for i in 0..links {
                div.row {
                    (form::input("charter.content_links.label", &format!("charter.content_links[{i}].label"), "text",
                        label(&format!("Content link {} label", i + 1)), &row_value("charter.content_links.label", i),
                        problems.for_field(&format!("charter.content_links[{i}].label"))))
                    (form::input("charter.content_links.url", &format!("charter.content_links[{i}].url"), "url",
                        label("Address"), &row_value("charter.content_links.url", i),
                        problems.for_field(&format!("charter.content_links[{i}].url"))))
                }
            }
        }
        fieldset {
            legend { "Stage" }
            (form::select("charter.stage", label("Stage"), STAGES, values.get("charter.stage"), problems.for_field("charter.stage")))
            (text("charter.organisations", label("Owning organisations").hint("Comma-separated.")))
            (text("charter.languages", label("Languages").hint("Comma-separated language tags, such as: en, pt-BR")))
        }
    }
}
