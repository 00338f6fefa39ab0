//! Markdown source to sanitised HTML, and HTML to a plain-text excerpt.

use std::sync::LazyLock;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("nofollow noopener noreferrer"));
    builder
});

/// Keeps text only (every tag dropped).
static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(ammonia::Builder::empty);

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
    let stripped = TEXT_ONLY.clean(&with_breaks).to_string();
    decode_entities(&stripped)
}

/// The text of HTML that this module sanitised (as posts are stored), as
/// [`plain_text`] reads it but without parsing it again: that output is
/// well formed, its attribute values are double-quoted, and its text
/// escapes only `&`, `<`, `>` and non-breaking spaces. A page of 20 posts
/// spent a sixth of its time parsing their text for the headings.
pub fn sanitized_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let tag = &rest[open + 1..];
        let mut quoted = false;
        let end = tag
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map_or(tag.len(), |(at, _)| at);
        let name = tag[..end].split([' ', '/']).next().unwrap_or_default();
        if name == "br" || (tag.starts_with("/p") && tag[2..end].trim().is_empty()) {
            text.push('\n');
        }
        rest = tag.get(end + 1..).unwrap_or_default();
    }
    text.push_str(rest);
    decode_entities(&text)
}

/// Decodes the character references HTML serialisers write.
fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// A plain excerpt of at most `max` characters of sanitised HTML (see
/// [`sanitized_text`]).
pub fn excerpt(html: &str, max: usize) -> String {
    let text = sanitized_text(html)
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
    fn sanitized_text_reads_stored_html_as_plain_text_does() {
        let sources = [
            "<p>Hello <b>world</b> &amp; friends</p><p>second &lt;tag&gt;</p>",
            "line<br>break<br/>and <a href=\"https://x.example/?a=1&b=>2\">a link</a>",
            "<ul><li>one</li><li>two &nbsp;three</li></ul><pre><code>x < y</code></pre>",
            "<script>alert(1)</script><img src=x onerror=alert(1)>Text \"quoted\" it's",
            "plain text, no tags at all",
            "<blockquote><p>quote</p></blockquote><h2>Heading</h2>trailing <",
        ];
        for source in sources {
            let stored = sanitize_html(source);
            assert_eq!(sanitized_text(&stored), plain_text(&stored), "{source}");
        }
        let stored = to_html("**Bold** and _this_\n\n* a\n* b & c");
        assert_eq!(sanitized_text(&stored), plain_text(&stored));
        assert_eq!(excerpt(&stored, 12), "Bold and thi…");
    }

    #[test]
    fn renders_markdown_and_strips_scripts() {
        let html = to_html("**hi** <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(html.contains("<strong>hi</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }
}
