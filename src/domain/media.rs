//! Media a post carries from elsewhere (images, video, audio, documents),
//! kept as references to where they live: never downloaded or proxied.
//! Only `https` references are taken (`http` too in dev mode), at most
//! [`MAX_ATTACHMENTS`] per post.

use super::FieldError;
use serde::{Deserialize, Serialize};

/// The most attachments a post may carry (Mastodon allows 4, Misskey 16).
pub const MAX_ATTACHMENTS: usize = 16;
/// Longest media URL, in bytes (the limit of every id and URL we take).
pub const MAX_URL: usize = 2048;
/// Longest blurhash kept (a 9×9-component hash is 168 characters).
const MAX_BLURHASH: usize = 200;

/// What kind of media an attachment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Video,
    Audio,
    Document,
}

/// One attachment: where it is and how to describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaAttachment {
    pub kind: MediaKind,
    /// Where the file is (never fetched by us).
    pub url: String,
    pub media_type: Option<String>,
    /// The description for people who cannot see it (`name`).
    pub alt_text: Option<String>,
    /// A placeholder to show while it loads (Mastodon's `blurhash`).
    pub blurhash: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl MediaAttachment {
    /// An attachment, with an empty description and a malformed blurhash
    /// dropped; `field` names it in the error when its URL is refused.
    pub fn new(
        field: &str,
        kind: MediaKind,
        url: &str,
        allow_http: bool,
    ) -> Result<Self, FieldError> {
        check_url(url, allow_http).map_err(|why| FieldError::new(format!("{field}.url"), why))?;
        Ok(MediaAttachment {
            kind,
            url: url.to_string(),
            media_type: None,
            alt_text: None,
            blurhash: None,
            width: None,
            height: None,
        })
    }

    /// The same with its description, media type and placeholder.
    pub fn described(
        mut self,
        alt_text: Option<&str>,
        media_type: Option<&str>,
        blurhash: Option<&str>,
    ) -> Self {
        self.alt_text = alt_text
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        self.media_type = media_type.map(str::to_string);
        self.blurhash = blurhash.filter(|b| is_blurhash(b)).map(str::to_string);
        self
    }

    /// True for an image (Mastodon sends images as `Document`s).
    pub fn is_image(&self) -> bool {
        self.kind == MediaKind::Image
            || self
                .media_type
                .as_deref()
                .is_some_and(|t| t.starts_with("image/"))
    }
}

/// A post's attachments, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Attachments(pub Vec<MediaAttachment>);

/// At most [`MAX_ATTACHMENTS`] attachments.
pub fn check_count(count: usize) -> Result<(), FieldError> {
    if count > MAX_ATTACHMENTS {
        return Err(FieldError::new(
            "attachment",
            format!("{count} attachments; a post may carry at most {MAX_ATTACHMENTS}"),
        ));
    }
    Ok(())
}

/// A media reference: an absolute `https` URL (`http` too when
/// `allow_http`) with a host, at most [`MAX_URL`] bytes.
pub fn check_url(url: &str, allow_http: bool) -> Result<(), String> {
    if url.len() > MAX_URL {
        return Err(format!("is longer than {MAX_URL} bytes"));
    }
    let parsed = url::Url::parse(url).map_err(|_| "is not a URL".to_string())?;
    let scheme_ok = match parsed.scheme() {
        "https" => true,
        "http" => allow_http,
        _ => false,
    };
    if !scheme_ok || parsed.host().is_none() {
        let wanted = if allow_http { "an http(s)" } else { "an https" };
        return Err(format!("must be {wanted} URL, got `{}:`", parsed.scheme()));
    }
    Ok(())
}

/// Blurhash's base-83 alphabet, at a sane length.
fn is_blurhash(hash: &str) -> bool {
    (6..=MAX_BLURHASH).contains(&hash.len())
        && hash
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "#$%*+,-.:;=?@[]^_{|}~".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_references_are_taken_and_http_only_in_dev_mode() {
        let ok = "https://cdn.example/a.jpg";
        assert!(MediaAttachment::new("attachment[0]", MediaKind::Image, ok, false).is_ok());
        for (url, allow_http) in [
            ("http://cdn.example/a.jpg", false),
            ("javascript:alert(1)", true),
            ("data:image/png;base64,AAAA", true),
            ("/relative.png", true),
        ] {
            let err = MediaAttachment::new("attachment[0]", MediaKind::Image, url, allow_http);
            assert_eq!(err.unwrap_err().field, "attachment[0].url", "{url}");
        }
        assert!(check_url("http://cdn.example/a.jpg", true).is_ok());
        let long = format!("https://cdn.example/{}", "a".repeat(MAX_URL));
        assert!(check_url(&long, false).is_err());
        assert!(check_count(MAX_ATTACHMENTS).is_ok() && check_count(MAX_ATTACHMENTS + 1).is_err());
    }

    #[test]
    fn a_malformed_blurhash_and_an_empty_description_are_dropped() {
        let image = MediaAttachment::new("a", MediaKind::Document, "https://x.example/a", false)
            .unwrap()
            .described(Some("  "), Some("image/jpeg"), Some("<script>"));
        assert_eq!((image.alt_text, image.blurhash), (None, None));
        assert!(
            MediaAttachment::new("a", MediaKind::Document, "https://x.example/a", false)
                .unwrap()
                .described(None, Some("image/png"), None)
                .is_image()
        );
    }
}
