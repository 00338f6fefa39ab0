//! JSON request bodies: malformed JSON is a 400, well-formed JSON with a
//! wrong or missing field is a 422 naming the field (`charter.stage`).

use crate::error::{AppError, ErrorKind};
use serde::{Deserialize, de::DeserializeOwned};
use std::sync::LazyLock;

static QUOTED: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"missing field `([^`]+)`").expect("valid regex"));

/// Parses `body` as `T`; `prefix` is prepended to field paths (e.g. `charter`
/// when the body is a charter on its own).
pub fn parse<T: DeserializeOwned>(body: &[u8], prefix: &str) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    if let Err(err) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return Err(AppError::bad_request(format!("malformed JSON: {err}")));
    }
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let inner = err.inner();
        if !inner.is_data() {
            return AppError::bad_request(format!("malformed JSON: {inner}"));
        }
        let mut path = err.path().to_string();
        if path == "." {
            path.clear();
        }
        let message = inner.to_string();
        if let Some(name) = QUOTED.captures(&message).and_then(|c| c.get(1)) {
            path = join(&path, name.as_str());
        }
        let field = join(prefix, &path);
        let field = if field.is_empty() {
            "body".to_string()
        } else {
            field
        };
        AppError {
            kind: ErrorKind::Unprocessable,
            message: format!("{field}: {}", strip_position(&message)),
            field: Some(field),
            cause: None,
            retry_after: None,
        }
    })
}

/// For a field that may be absent, `null` or a value (`PATCH` bodies):
/// with `#[serde(default, deserialize_with = "present")]` on an
/// `Option<Option<T>>`, absent is `None` and `null` is `Some(None)`.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}.{b}"),
    }
}

/// serde_json appends " at line L column C"; clients need the field, not that.
fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::charter::Charter;

    #[test]
    fn syntax_errors_are_bad_requests_and_data_errors_name_the_field() {
        let err = parse::<Charter>(b"{\"purpose\": ", "charter").unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadRequest);
        let err = parse::<Charter>(br#"{"purpose":"x","stage":"sleepy"}"#, "charter").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("charter.stage"));
        let err = parse::<Charter>(br#"{"purpose":"x","colour":"red"}"#, "charter").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("charter.colour"));
        let err = parse::<Charter>(br#"{"topics":[]}"#, "charter").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("charter.purpose"));
    }
}
