//! What members wrote (already sanitised HTML), as the pages embed it.
//! An image that came without a description (a raw `<img>` in Markdown, a
//! remote post's inline image) gets an empty one, which marks it
//! decorative: screen readers skip it instead of reading its address out.

use maud::PreEscaped;

/// Sanitised `html`, with every `<img>` given an `alt` it lacked.
pub fn embed(html: &str) -> PreEscaped<String> {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        let (before, tag) = rest.split_at(at + "<img".len());
        out.push_str(before);
        let end = tag.find('>').unwrap_or(tag.len());
        if !tag[..end].contains(" alt=") {
            out.push_str(" alt=\"\"");
        }
        rest = tag;
    }
    out.push_str(rest);
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use super::embed;

    #[test]
    fn images_without_a_description_are_marked_decorative() {
        assert_eq!(
            embed("<p><img src=\"x\"> and <img src=\"y\" alt=\"a cat\"></p>").0,
            "<p><img alt=\"\" src=\"x\"> and <img src=\"y\" alt=\"a cat\"></p>"
        );
        assert_eq!(embed("no images").0, "no images");
    }
}
