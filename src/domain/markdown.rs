//! Markdown source to sanitised HTML, and HTML to a plain-text excerpt.

use std::sync::LazyLock;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("nofollow noopener noreferrer"));
    builder
});

/// Renders Markdown to HTML that is safe to embed: no scripts, no event
/// handlers, no `javascript:` links, raw HTML reduced to the safe subset.
pub fn to_html(markdown: &str) -> String {
    let parser =
        pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::new();
    pulldown_cmark::html::push_html(&mut raw, parser);
    SANITIZER.clean(&raw).to_string()
}

/// Cleans HTML received from elsewhere to the same safe subset.
pub fn sanitize_html(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The text of an HTML fragment, with block ends as line breaks and
/// entities decoded (for titles and excerpts).
pub fn plain_text(html: &str) -> String {
    let with_breaks = html
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n")
        .replace("</p>", "\n");
    let stripped = ammonia::Builder::empty().clean(&with_breaks).to_string();
    stripped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// A plain excerpt of at most `max` characters.
pub fn excerpt(html: &str, max: usize) -> String {
    let text = plain_text(html)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() <= max {
        text
    } else {
        let mut cut: String = text.chars().take(max).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_and_strips_scripts() {
        let html = to_html("**hi** <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(html.contains("<strong>hi</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }
}
