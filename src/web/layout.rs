//! The page frame shared by every HTML page, OpenGraph tags, and the
//! error page.

use crate::error::AppError;
use actix_web::HttpResponse;
use maud::{DOCTYPE, Markup, html};

/// Wraps `body` in the page frame.
pub fn page(instance_name: &str, title: &str, body: Markup) -> Markup {
    page_with_head(instance_name, title, html! {}, body)
}

/// Wraps `body` in the page frame, with `head` (feed links) in its head.
pub fn page_with_head(instance_name: &str, title: &str, head: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (instance_name) }
                style { (maud::PreEscaped(STYLE)) }
                (head)
            }
            body {
                header {
                    nav aria-label="Site" {
                        a href="/" { (instance_name) } " · " a href="/login" { "Sign in" }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// OpenGraph tags, so that a link to the page previews well on Mastodon:
/// its `kind` (`website`, `article`, `event`), title, a plain-text
/// description (cut to 200 characters) and canonical URL.
pub fn open_graph(kind: &str, title: &str, description: &str, url: &str) -> Markup {
    let description: String = description.chars().take(200).collect();
    html! {
        meta property="og:type" content=(kind);
        meta property="og:title" content=(title);
        meta property="og:description" content=(description);
        meta name="description" content=(description);
        meta property="og:url" content=(url);
        link rel="canonical" href=(url);
    }
}

/// An HTML error page for a failed page request.
pub fn error_page(instance_name: &str, err: &AppError) -> HttpResponse {
    let markup = page(
        instance_name,
        "Error",
        html! {
            h1 { (err.kind.status().canonical_reason().unwrap_or("Error")) }
            p { (err.message) }
        },
    );
    if err.kind == crate::error::ErrorKind::Internal {
        tracing::error!(error = %err, "page failed");
    }
    super::html(err.kind.status(), markup)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;line-height:1.5}\
header{border-bottom:1px solid #ccc;margin-bottom:1rem;padding-bottom:.5rem}\
dt{font-weight:600;margin-top:.5rem}dd{margin-left:1rem}\
.handle{color:#555}";
