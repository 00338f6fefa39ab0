//! Forms on the pages: what was posted ([`Fields`], kept to show again),
//! what is wrong with it ([`Problems`]: the services' field errors shown
//! next to their fields, other refusals above the form), and labelled
//! inputs that point at their error (`aria-describedby`, `aria-invalid`).

use crate::error::{AppError, ErrorKind};
use actix_web::http::StatusCode;
use maud::{Markup, html};

/// A posted form: its fields in order (a name may repeat).
#[derive(Clone, Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Reads an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> Option<Fields> {
        serde_urlencoded::from_bytes(body).ok().map(Fields)
    }

    /// Fields given as pairs (a form's starting values).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Fields {
        Fields(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// Adds a field.
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_string(), value.into()));
    }

    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of `name`, trimmed, or `None` when blank.
    pub fn optional(&self, name: &str) -> Option<String> {
        let value = self.get(name).trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    /// The CSRF token the form carried.
    pub fn csrf(&self) -> &str {
        self.get("csrf")
    }
}

/// What is wrong with a posted form, and the status to answer with.
#[derive(Debug, Default)]
pub struct Problems {
    /// `(field, message)`: the field as the services name it (`title`,
    /// `charter.practices[0].name`).
    fields: Vec<(String, String)>,
    /// A refusal that is not about one field.
    general: Option<String>,
    status: Option<StatusCode>,
}

/// The message for a form whose CSRF token is missing or stale.
pub const EXPIRED: &str =
    "This form expired or did not come from this site. Nothing was saved; please send it again.";

impl Problems {
    /// No problems.
    pub fn none() -> Problems {
        Problems::default()
    }

    /// The form's token is missing or stale (403).
    pub fn expired() -> Problems {
        Problems::general(StatusCode::FORBIDDEN, EXPIRED)
    }

    /// A refusal above the form.
    pub fn general(status: StatusCode, message: impl Into<String>) -> Problems {
        Problems {
            general: Some(message.into()),
            status: Some(status),
            ..Problems::default()
        }
    }

    /// A problem with one field (422).
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Problems {
        Problems {
            fields: vec![(field.into(), message.into())],
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            ..Problems::default()
        }
    }

    /// What a service refused, to show with the form; an internal failure
    /// is not the visitor's to fix and stays an error (`Err`).
    pub fn from_error(err: AppError) -> Result<Problems, AppError> {
        match (err.kind, err.field) {
            (ErrorKind::Internal | ErrorKind::Unavailable, field) => Err(AppError { field, ..err }),
            (kind, Some(field)) => Ok(Problems {
                fields: vec![(field, err.message)],
                status: Some(kind.status()),
                general: None,
            }),
            (kind, None) => Ok(Problems::general(kind.status(), err.message)),
        }
    }

    /// The status to answer with: 200 with no problems.
    pub fn status(&self) -> StatusCode {
        self.status.unwrap_or(StatusCode::OK)
    }

    /// The message for `field`, or for an item inside it
    /// (`charter.languages` has those of `charter.languages[2]`).
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| {
                f == field
                    || f.strip_prefix(field)
                        .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
            })
            .map(|(_, m)| m.as_str())
    }

    /// The summary above the form: the general refusal, or a count of the
    /// fields to fix (each with its message next to it).
    pub fn summary(&self) -> Markup {
        html! {
            @if let Some(message) = &self.general {
                div.alert role="alert" { p { (message) } }
            } @else if !self.fields.is_empty() {
                div.alert role="alert" {
                    p { "Please fix what is marked below; what you typed is kept." }
                }
            }
        }
    }
}

/// How an input is described: its label, an optional hint under it.
pub struct Label<'a> {
    pub text: &'a str,
    pub hint: Option<&'a str>,
    pub required: bool,
}

/// A label with an optional hint.
pub fn label(text: &str) -> Label<'_> {
    Label {
        text,
        hint: None,
        required: false,
    }
}

impl<'a> Label<'a> {
    /// Adds a hint under the label.
    pub fn hint(self, hint: &'a str) -> Label<'a> {
        Label {
            hint: Some(hint),
            ..self
        }
    }

    /// Marks the field required.
    pub fn required(self) -> Label<'a> {
        Label {
            required: true,
            ..self
        }
    }
}

/// What the input refers to for its hint and error.
fn described_by(id: &str, label: &Label, error: Option<&str>) -> Option<String> {
    let mut ids = Vec::new();
    if label.hint.is_some() {
        ids.push(format!("{id}-hint"));
    }
    if error.is_some() {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The label, hint and error around a control.
fn wrap(id: &str, label: &Label, error: Option<&str>, control: Markup) -> Markup {
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) {
                (label.text)
                @if label.required { " " span.required { "(required)" } }
            }
            @if let Some(hint) = label.hint { p.hint id={ (id) "-hint" } { (hint) } }
            (control)
            @if let Some(error) = error {
                p.field-error id={ (id) "-error" } { strong { "Error: " } (error) }
            }
        }
    }
}

/// A one-line input (`kind`: `text`, `url`, `datetime-local`, …).
pub fn input(
    name: &str,
    id: &str,
    kind: &str,
    label: Label,
    value: &str,
    error: Option<&str>,
) -> Markup {
    let described = described_by(id, &label, error);
    wrap(
        id,
        &label,
        error,
        html! {
            input id=(id) name=(name) type=(kind) value=(value) required[label.required]
                aria-invalid=[error.map(|_| "true")] aria-describedby=[described];
        },
    )
}

/// A text area.
pub fn textarea(name: &str, label: Label, value: &str, rows: u8, error: Option<&str>) -> Markup {
    let described = described_by(name, &label, error);
    wrap(
        name,
        &label,
        error,
        html! {
            textarea id=(name) name=(name) rows=(rows) required[label.required]
                aria-invalid=[error.map(|_| "true")] aria-describedby=[described] { (value) }
        },
    )
}

/// A choice among `options` (`(value, shown)`).
pub fn select(
    name: &str,
    label: Label,
    options: &[(&str, &str)],
    chosen: &str,
    error: Option<&str>,
) -> Markup {
    let described = described_by(name, &label, error);
    wrap(
        name,
        &label,
        error,
        html! {
            select id=(name) name=(name) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described] {
                @for (value, shown) in options {
                    option value=(value) selected[*value == chosen] { (shown) }
                }
            }
        },
    )
}
