//! How a post shows on the pages: its heading, its content warning first
//! with the text and media behind it (a `<details>` element, which needs
//! no JavaScript), and its media with their descriptions (alt text). Media
//! are loaded from where they live: we never copy or proxy them. Also
//! who wrote it (`byline`).

use super::remote;
use crate::{
    db::post::PostRow,
    domain::{
        markdown,
        media::{MediaAttachment, MediaKind},
    },
    services::post::PostView,
};
use maud::{Markup, html};

/// Who wrote a post: its author linked to their page (a remote author
/// with their home instance), or the community for its own posts.
pub fn byline(view: &PostView) -> Markup {
    match &view.author {
        Some(author) => remote::person(author),
        None => html! { (view.community.title) },
    }
}

/// The heading of a post: its title, else its warning (never the text the
/// warning hides), else the start of its text.
pub fn heading(row: &PostRow, max: usize) -> String {
    if row.deleted {
        return "Deleted post".into();
    }
    match (&row.title, &row.content_warning) {
        (Some(title), _) => title.clone(),
        (None, Some(warning)) => warning.clone(),
        (None, None) => markdown::excerpt(&row.content, max),
    }
}

/// The text and media of a post, behind its warning when it has one (or
/// behind "Sensitive content" when it is only marked sensitive); a
/// tombstone says only that it was deleted.
pub fn body(row: &PostRow) -> Markup {
    if row.deleted {
        return html! { p { em { "This post was deleted." } } };
    }
    let inside = html! {
        (super::content::embed(&row.content))
        @if !row.attachments.0.is_empty() {
            ul.media { @for media in &row.attachments.0 { li { (attachment(media)) } } }
        }
    };
    match (&row.content_warning, row.sensitive) {
        (Some(warning), _) => html! { details { summary { (warning) } (inside) } },
        (None, true) => html! { details { summary { "Sensitive content" } (inside) } },
        (None, false) => inside,
    }
}

fn attachment(media: &MediaAttachment) -> Markup {
    let described = media.alt_text.as_deref();
    if media.is_image() {
        return html! {
            img src=(media.url) alt=(described.unwrap_or_default()) loading="lazy"
                referrerpolicy="no-referrer" width=[media.width] height=[media.height];
        };
    }
    let kind = match media.kind {
        MediaKind::Video => "Video",
        MediaKind::Audio => "Audio",
        MediaKind::Image | MediaKind::Document => "File",
    };
    html! {
        a href=(media.url) rel="nofollow noopener noreferrer" referrerpolicy="no-referrer" {
            (kind) @if let Some(text) = described { ": " (text) }
        }
        @if let Some(media_type) = &media.media_type { " (" (media_type) ")" }
    }
}
