//! Local handles: the names of people and communities, which share one
//! namespace (Mastodon resolves both through the same `acct:` address).

use super::FieldError;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// Shortest allowed handle.
pub const MIN_LEN: usize = 2;
/// Longest allowed handle.
pub const MAX_LEN: usize = 40;

static HANDLE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^[a-z0-9_]+(-[a-z0-9_]+)*$").expect("valid regex"));

/// Handles reserved for the instance's own routes and actor.
const RESERVED: &[&str] = &[
    "admin", "api", "actor", "instance", "inbox", "login", "c", "u",
];

/// A validated local handle: lower-case letters, digits, `_`, and single `-`
/// between them; 2 to 40 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Handle(String);

impl Handle {
    /// Validates `value` as a handle; `field` names the input in the error.
    pub fn parse(field: &str, value: &str) -> Result<Handle, FieldError> {
        let len = value.chars().count();
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return Err(FieldError::new(
                field,
                format!("must be {MIN_LEN} to {MAX_LEN} characters long"),
            ));
        }
        if !HANDLE.is_match(value) {
            return Err(FieldError::new(
                field,
                "may contain only lower-case letters, digits, `_` and `-` (not at either end)",
            ));
        }
        if RESERVED.contains(&value) {
            return Err(FieldError::new(field, "is reserved"));
        }
        Ok(Handle(value.to_string()))
    }

    /// The handle as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Handle {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Handle::parse("name", &value)
    }
}

impl From<Handle> for String {
    fn from(handle: Handle) -> String {
        handle.0
    }
}

impl std::fmt::Display for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name to show for an actor: its display name, else its user name,
/// else the last segment of its id's path (ActivityPub requires neither
/// `name` nor `preferredUsername`), else the id's host.
pub fn shown_name(display_name: Option<&str>, username: Option<&str>, actor_id: &str) -> String {
    let given = [display_name, username]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|name| !name.is_empty());
    match given {
        Some(name) => name.to_string(),
        None => last_segment(actor_id),
    }
}

/// The last non-empty segment of a URL's path (`…/users/42` → `42`), or
/// its host when the path is empty.
pub fn last_segment(actor_id: &str) -> String {
    let Ok(url) = url::Url::parse(actor_id) else {
        return actor_id.to_string();
    };
    url.path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        .map(str::to_string)
        .or_else(|| url.host_str().map(str::to_string))
        .unwrap_or_else(|| actor_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actor_without_names_is_shown_by_the_last_segment_of_its_id() {
        let id = "https://bovine.example/endpoints/Xa3k/";
        assert_eq!(shown_name(Some("Ada"), Some("ada"), id), "Ada");
        assert_eq!(shown_name(Some(" "), Some("ada"), id), "ada");
        assert_eq!(shown_name(None, None, id), "Xa3k");
        assert_eq!(
            shown_name(None, None, "https://host.example/"),
            "host.example"
        );
    }

    #[test]
    fn accepts_lower_case_digits_underscore_and_inner_dashes() {
        for ok in ["secguild", "data-science", "ml_ops2", "a1"] {
            assert!(Handle::parse("name", ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_capitals_spaces_edges_and_bad_lengths() {
        for bad in [
            "Sec",
            "sec guild",
            "-sec",
            "sec-",
            "a",
            "x".repeat(41).as_str(),
            "a--b",
            "api",
        ] {
            let err = Handle::parse("name", bad).unwrap_err();
            assert_eq!(err.field, "name", "{bad}");
        }
    }
}
