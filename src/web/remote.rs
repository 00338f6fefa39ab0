//! Links to people and communities, wherever they live. Each links to its
//! page here (a remote one's shows what our database holds of it:
//! `/u/{name}@{host}`, `/c/{name}@{host}`), and a remote person or
//! community names its home instance (the domain) linked to its original
//! page there: only an `http`/`https` URL, with `rel="nofollow noopener"`.
//! Nothing here fetches anything from another server.

use crate::db::{community::CommunityRow, person::PersonRow};
use maud::{Markup, html};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a path segment keeps as it is (remote user names are free text).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_').remove(b'-').remove(b'.');

/// `url` when it is an `http` or `https` URL with a host.
pub fn original(url: &str) -> Option<url::Url> {
    url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// "from <domain>", the domain linked to `ap_id` on its own server.
pub fn home(domain: &str, ap_id: &str) -> Markup {
    html! { span.handle { "from " (domain_link(domain, ap_id)) } }
}

/// `domain` linked to `ap_id` on its own server (plain text when `ap_id`
/// is not an `http(s)` URL).
pub fn domain_link(domain: &str, ap_id: &str) -> Markup {
    html! {
        @match original(ap_id) {
            Some(url) => a href=(url.as_str()) rel="nofollow noopener" { (domain) },
            None => (domain),
        }
    }
}

/// The path of a person's page here: `/u/{name}` for ours,
/// `/u/{name}@{host}` for a remote person; `None` for a remote account
/// without a user name.
pub fn person_path(person: &PersonRow) -> Option<String> {
    let name = utf8_percent_encode(person.username.as_deref()?, SEGMENT);
    Some(if person.local {
        format!("/u/{name}")
    } else {
        format!("/u/{name}@{}", utf8_percent_encode(&person.domain, SEGMENT))
    })
}

/// A person's name linking to their page here; a remote person's home
/// instance after it.
pub fn person(person: &PersonRow) -> Markup {
    html! {
        @match person_path(person) {
            Some(path) => a href=(path) { (person.shown_name()) },
            None => (person.shown_name()),
        }
        @if !person.local { " " (home(&person.domain, &person.ap_id)) }
    }
}

/// The path of a community's page here: `/c/{name}` for ours,
/// `/c/{name}@{host}` for a remote one.
pub fn community_path(community: &CommunityRow) -> String {
    let name = utf8_percent_encode(&community.name, SEGMENT);
    if community.local {
        format!("/c/{name}")
    } else {
        format!(
            "/c/{name}@{}",
            utf8_percent_encode(&community.domain, SEGMENT)
        )
    }
}

/// A community's title linking to its page here; a remote community's
/// home instance after it.
pub fn community(community: &CommunityRow) -> Markup {
    html! {
        a href=(community_path(community)) { (community.title) }
        @if !community.local { " " (home(&community.domain, &community.ap_id)) }
    }
}
