//! Kudos: public thanks from one person to another in a community. The
//! rules for what a kudos may say (its message and category), the
//! categories a community offers, and the sentence it reads as.

use super::FieldError;
use serde::{Deserialize, Serialize};

/// The categories a community offers until its moderators choose others.
pub const DEFAULT_CATEGORIES: [&str; 5] = [
    "shared_knowledge",
    "helped_someone",
    "organised",
    "mentored",
    "welcomed_newcomer",
];

/// The longest message, in characters.
pub const MESSAGE_MAX: usize = 1000;

/// How many kudos one person may give in an hour.
pub const KUDOS_PER_HOUR: i64 = 30;

/// At most this many categories per community.
const CATEGORIES_MAX: usize = 20;

/// The hashtag every kudos carries, without its `#`.
pub const HASHTAG: &str = "kudos";

/// A community's own list of categories (stored as JSON).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Categories(pub Vec<String>);

impl Categories {
    /// The defaults, as a list of its own.
    pub fn defaults() -> Self {
        Categories(DEFAULT_CATEGORIES.iter().map(|c| c.to_string()).collect())
    }

    /// Checks a list a moderator set: 1–20 unique names of lowercase
    /// letters, digits and `_`, each at most 40 long.
    pub fn validate(&self) -> Result<(), FieldError> {
        let field = "kudos_categories";
        if self.0.is_empty() || self.0.len() > CATEGORIES_MAX {
            return Err(FieldError::new(
                field,
                format!("give between 1 and {CATEGORIES_MAX} categories"),
            ));
        }
        for (i, name) in self.0.iter().enumerate() {
            let valid = !name.is_empty()
                && name.len() <= 40
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                return Err(FieldError::new(
                    format!("{field}[{i}]"),
                    "a category is 1–40 lowercase letters, digits or `_`",
                ));
            }
            if self.0[..i].contains(name) {
                return Err(FieldError::new(
                    format!("{field}[{i}]"),
                    format!("`{name}` is listed twice"),
                ));
            }
        }
        Ok(())
    }

    /// Whether `name` is one of them.
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|c| c == name)
    }
}

/// The message, trimmed: not empty, at most [`MESSAGE_MAX`] characters.
pub fn check_message(message: &str) -> Result<&str, FieldError> {
    let message = message.trim();
    if message.is_empty() {
        return Err(FieldError::new("message", "say what you thank them for"));
    }
    if message.chars().count() > MESSAGE_MAX {
        return Err(FieldError::new(
            "message",
            format!("at most {MESSAGE_MAX} characters"),
        ));
    }
    Ok(message)
}

/// What a category thanks for, as words after "for" ("mentoring").
pub fn category_phrase(category: &str) -> String {
    match category {
        "shared_knowledge" => "sharing knowledge".into(),
        "helped_someone" => "helping someone".into(),
        "organised" => "organising".into(),
        "mentored" => "mentoring".into(),
        "welcomed_newcomer" => "welcoming a newcomer".into(),
        other => other.replace('_', " "),
    }
}

/// The kudos as a sentence in HTML: "Kudos to @bob@host for mentoring:
/// thanks for …", the recipient as a mention link, the thing it thanks
/// for as a link, and the `#kudos` hashtag (`tag_url`: its page).
pub fn sentence_html(
    recipient_handle: &str,
    recipient_url: &str,
    category: Option<&str>,
    message: &str,
    thanks_for: Option<&str>,
    tag_url: &str,
) -> String {
    let reason = category.map_or_else(|| "their contribution".to_string(), category_phrase);
    maud::html! {
        p {
            "Kudos to "
            span class="h-card" {
                a href=(recipient_url) class="u-url mention" { (recipient_handle) }
            }
            " for " (reason) ": " (message)
            @if let Some(link) = thanks_for {
                " (" a href=(link) { "what this is for" } ")"
            }
        }
        p {
            a href=(tag_url) class="mention hashtag" rel="tag" { "#" span { (HASHTAG) } }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert_eq!(check_message("  thanks  ").unwrap(), "thanks");
        assert_eq!(check_message("   ").unwrap_err().field, "message");
        let long = "x".repeat(MESSAGE_MAX + 1);
        assert_eq!(check_message(&long).unwrap_err().field, "message");
        assert!(check_message(&"é".repeat(MESSAGE_MAX)).is_ok());
    }

    #[test]
    fn categories_are_named_simply_and_once() {
        assert!(Categories::defaults().validate().is_ok());
        let bad = Categories(vec!["ok".into(), "Not OK".into()]);
        assert_eq!(bad.validate().unwrap_err().field, "kudos_categories[1]");
        let twice = Categories(vec!["a".into(), "a".into()]);
        assert_eq!(twice.validate().unwrap_err().field, "kudos_categories[1]");
        assert!(Categories(vec![]).validate().is_err());
    }

    #[test]
    fn the_sentence_escapes_the_message() {
        let html = sentence_html(
            "@bob@beta.test",
            "https://beta.test/u/bob",
            Some("mentored"),
            "<script>x</script>",
            None,
            "https://alpha.test/tags/kudos",
        );
        assert!(html.starts_with("<p>Kudos to <span class=\"h-card\">"));
        assert!(html.contains(" for mentoring: &lt;script&gt;"));
        assert!(html.contains("#<span>kudos</span>"));
    }
}
