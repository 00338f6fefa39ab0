//! Kudos on the pages: a list of kudos (a community's wall, what a person
//! received) and a community's top contributors. People link to their
//! page here, remote ones with their home instance (`remote`).

use super::remote;
use crate::{db::kudos::Contribution, db::person::PersonRow, services::kudos::KudosView};
use maud::{Markup, html};

/// Kudos, newest first: who thanked whom, for what, where.
pub fn list(kudos: &[KudosView], empty: &str) -> Markup {
    html! {
        @if kudos.is_empty() { p { (empty) } }
        ul.kudos {
            @for k in kudos {
                li {
                    strong { (remote::person(&k.giver)) } " thanked "
                    strong { (remote::person(&k.recipient)) }
                    @if let Some(category) = &k.row.category {
                        " for " (crate::domain::kudos::category_phrase(category))
                    }
                    ": " (k.row.message)
                    " "
                    span.handle {
                        "in " (remote::community(&k.community)) " · "
                        (k.row.published.format("%Y-%m-%d"))
                        @if let Some(link) = k.row.thanks_for.as_deref().and_then(remote::original) {
                            " · " a href=(link.as_str()) rel="nofollow noopener" { "what it is for" }
                        }
                    }
                }
            }
        }
    }
}

/// Top contributors, with what each did.
pub fn contributors(ranked: &[(PersonRow, Contribution)]) -> Markup {
    html! {
        @if ranked.is_empty() { p { "Nobody yet in the last 30 days." } }
        ol {
            @for (person, c) in ranked {
                li {
                    (remote::person(person)) " — "
                    (c.kudos) " kudos, " (c.posts) " posts, " (c.replies) " replies, "
                    (c.events) " events organised"
                }
            }
        }
    }
}
