//! Links to communities, wherever they live. Ours link to their page
//! here; a remote community names its home instance (the domain) linked
//! to its original page there: only an `http`/`https` URL, with
//! `rel="nofollow noopener"`. Nothing here fetches anything from another
//! server.

use crate::db::community::CommunityRow;
use maud::{Markup, html};

/// `url` when it is an `http` or `https` URL with a host.
pub fn original(url: &str) -> Option<url::Url> {
    url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// "from <domain>", the domain linked to `ap_id` on its own server.
pub fn home(domain: &str, ap_id: &str) -> Markup {
    html! {
        span.handle {
            "from "
            @match original(ap_id) {
                Some(url) => a href=(url.as_str()) rel="nofollow noopener" { (domain) },
                None => (domain),
            }
        }
    }
}

/// A community's title linking to its page here; a remote community's
/// home instance after it (its page is on its own server).
pub fn community(community: &CommunityRow) -> Markup {
    html! {
        @if community.local {
            a href={ "/c/" (community.name) } { (community.title) }
        } @else {
            (community.title) " " (home(&community.domain, &community.ap_id))
        }
    }
}
