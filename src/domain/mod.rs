//! Domain newtypes and rules, free of web, database and wire concerns.

pub mod charter;
pub mod charter_change;
pub mod community;
pub mod directory;
pub mod event;
pub mod kudos;
pub mod markdown;
pub mod media;
pub mod milestone;
pub mod name;
pub mod post;
pub mod proposal;
pub mod rules;

/// A rule broken by one input field; the field is named so clients can show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `charter.purpose`.
    pub field: String,
    /// What is wrong, for people.
    pub message: String,
}

impl FieldError {
    /// Builds an error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}
