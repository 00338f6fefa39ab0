//! Size and shape limits on what peers send, checked on the raw JSON before
//! anything is parsed further or touches the database: ids and URLs fit an
//! index and use `http(s)`, titles and other short texts stay short, no text
//! is longer than a post can be, and no text holds a NUL character (which
//! PostgreSQL cannot store).

use serde_json::Value;

/// Longest id or URL we take (longer ones do not fit a database index).
pub const MAX_URL_LEN: usize = 2048;
/// Longest title, name, summary or other short text, in characters.
pub const MAX_SHORT_TEXT: usize = 2_000;
/// Longest text of any kind (a post's content), in characters.
pub const MAX_TEXT: usize = 100_000;

/// Fields that hold an id or URL (or a list of them).
const URL_FIELDS: &[&str] = &[
    "id",
    "actor",
    "object",
    "target",
    "inReplyTo",
    "attributedTo",
    "audience",
    "context",
    "href",
    "url",
    "to",
    "cc",
    "bto",
    "bcc",
    "inbox",
    "outbox",
    "followers",
    "following",
    "sharedInbox",
    "owner",
];
/// Fields whose value must be an `http(s)` URL when it is a string.
const HTTP_FIELDS: &[&str] = &["id", "actor", "inReplyTo", "attributedTo", "inbox"];
/// Short texts.
const SHORT_FIELDS: &[&str] = &["name", "summary", "preferredUsername", "mediaType"];

/// Checks every field of `value`, recursively; the error names the field.
pub fn check(value: &Value) -> Result<(), String> {
    check_field("", value)
}

fn check_field(field: &str, value: &Value) -> Result<(), String> {
    match value {
        Value::String(text) => check_text(field, text),
        Value::Array(items) => items.iter().try_for_each(|item| check_field(field, item)),
        Value::Object(map) => map.iter().try_for_each(|(key, value)| {
            if key.len() > MAX_SHORT_TEXT || key.contains('\0') {
                return Err("a field name is too long or holds a NUL character".into());
            }
            check_field(key, value)
        }),
        _ => Ok(()),
    }
}

fn check_text(field: &str, text: &str) -> Result<(), String> {
    if text.contains('\0') {
        return Err(format!("`{field}` holds a NUL character"));
    }
    // Bytes bound characters from above: count only long texts.
    let chars = if text.len() > MAX_SHORT_TEXT {
        text.chars().count()
    } else {
        text.len()
    };
    if URL_FIELDS.contains(&field) {
        if text.len() > MAX_URL_LEN {
            return Err(format!("`{field}` is longer than {MAX_URL_LEN} bytes"));
        }
        if HTTP_FIELDS.contains(&field) && !is_http(text) {
            return Err(format!("`{field}` is not an http(s) URL"));
        }
    } else if SHORT_FIELDS.contains(&field) && chars > MAX_SHORT_TEXT {
        return Err(format!(
            "`{field}` is longer than {MAX_SHORT_TEXT} characters"
        ));
    } else if chars > MAX_TEXT {
        return Err(format!("`{field}` is longer than {MAX_TEXT} characters"));
    }
    Ok(())
}

fn is_http(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_ids_other_schemes_long_titles_and_nul_are_refused() {
        let ok = json!({"id": "https://a.example/1", "type": "Create", "actor": "https://a.example/u",
                        "object": {"id": "https://a.example/n", "name": "A title", "content": "x".repeat(50_000),
                                   "to": ["https://www.w3.org/ns/activitystreams#Public", "as:Public"]}});
        assert_eq!(check(&ok), Ok(()));
        let cases = [
            json!({"id": format!("https://a.example/{}", "a".repeat(3000))}),
            json!({"id": "ftp://a.example/1"}),
            json!({"object": {"name": "t".repeat(200_000)}}),
            json!({"object": {"content": "c".repeat(100_001)}}),
            json!({"object": {"name": "a\u{0}b"}}),
            json!({"cc": [format!("https://a.example/{}", "a".repeat(3000))]}),
        ];
        for case in cases {
            assert!(check(&case).is_err(), "{case:.80}");
        }
    }
}
