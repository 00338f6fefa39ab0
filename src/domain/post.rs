//! What a post shows before its text: a title (given, or derived from the
//! text of a post that has none, such as a toot) and a content warning.

use super::{FieldError, markdown};

/// Longest content warning our people may give, in characters.
pub const MAX_CONTENT_WARNING: usize = 500;
/// Longest derived title, in characters (cut at a word, with `…`).
const MAX_DERIVED_TITLE: usize = 120;

/// Checks a content warning one of our people gives: 1 to 500 characters.
pub fn check_content_warning(warning: &str) -> Result<(), FieldError> {
    let len = warning.trim().chars().count();
    if len == 0 || len > MAX_CONTENT_WARNING {
        return Err(FieldError::new(
            "content_warning",
            format!("must be 1 to {MAX_CONTENT_WARNING} characters (leave it out for none)"),
        ));
    }
    Ok(())
}

/// A title for a post that has none (a toot): its content warning when it
/// has one (a title must not give away what the warning hides), else its
/// first line without the mentions it starts with (`@secguild @bob`), else
/// its first words. `mentions` are the names of its `Mention` tags
/// (`@secguild@guild.example`); `None` for a post without text.
pub fn derive_title(html: &str, warning: Option<&str>, mentions: &[&str]) -> Option<String> {
    if let Some(warning) = warning.map(str::trim).filter(|w| !w.is_empty()) {
        return Some(first_words(warning));
    }
    let text = markdown::plain_text(html);
    let mut rest = text.trim_start();
    loop {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        if word.is_empty() || !is_mention(word, mentions) {
            break;
        }
        rest = rest[end..].trim_start();
    }
    let line = rest.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(first_words(line))
}

/// True when `word` (`@secguild`, `@secguild@host`, `@secguild:`) is one
/// of the mentions, written in full or by its user part, as Mastodon does.
fn is_mention(word: &str, mentions: &[&str]) -> bool {
    let word = word.trim_end_matches([':', ',', ';']);
    word.len() > 1
        && word.starts_with('@')
        && mentions.iter().any(|name| {
            *name == word
                || name
                    .strip_prefix(word)
                    .is_some_and(|host| host.starts_with('@'))
        })
}

/// `text` cut to [`MAX_DERIVED_TITLE`] characters at a word boundary.
fn first_words(text: &str) -> String {
    if text.chars().count() <= MAX_DERIVED_TITLE {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_DERIVED_TITLE).collect();
    let words = match cut.rfind(char::is_whitespace) {
        Some(end) if end > 0 => cut[..end].trim_end(),
        _ => cut.as_str(),
    };
    format!("{words}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: &[&str] = &["@secguild@guild.example", "@bob@bob.example"];

    fn mention(name: &str) -> String {
        format!(
            r#"<span class="h-card"><a href="https://x.example/{name}" class="u-url mention">@<span>{name}</span></a></span>"#
        )
    }

    #[test]
    fn the_leading_mentions_are_not_the_title() {
        let toot = format!(
            "<p>{} PeerTube v3.1 is out!</p><p>Details.</p>",
            mention("secguild")
        );
        assert_eq!(
            derive_title(&toot, None, GROUP).as_deref(),
            Some("PeerTube v3.1 is out!")
        );
        let only = format!(
            "<p>{} {}</p><p>Next line</p>",
            mention("secguild"),
            mention("bob")
        );
        assert_eq!(
            derive_title(&only, None, GROUP).as_deref(),
            Some("Next line")
        );
        let unknown = "<p>@carol hello</p>";
        assert_eq!(
            derive_title(unknown, None, GROUP).as_deref(),
            Some("@carol hello")
        );
    }

    #[test]
    fn a_warning_is_the_title_and_long_lines_give_their_first_words() {
        let toot = "<p>Snape kills Dumbledore</p>";
        assert_eq!(
            derive_title(toot, Some(" HP spoilers "), GROUP).as_deref(),
            Some("HP spoilers")
        );
        let long = format!("<p>{}</p>", "word ".repeat(60));
        let title = derive_title(&long, None, GROUP).unwrap();
        assert!(
            title.ends_with("word…") && title.chars().count() <= MAX_DERIVED_TITLE + 1,
            "{title}"
        );
        assert_eq!(
            derive_title(&format!("<p>{}</p>", mention("secguild")), None, GROUP),
            None
        );
    }

    #[test]
    fn content_warnings_are_one_to_five_hundred_characters() {
        assert!(check_content_warning("spoilers").is_ok());
        assert!(check_content_warning("  ").is_err());
        assert!(check_content_warning(&"x".repeat(501)).is_err());
    }
}
