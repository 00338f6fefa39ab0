//! Kudos on the pages: a list of kudos (a community's wall, what a person
//! received) and a community's top contributors.

use crate::{db::kudos::Contribution, db::person::PersonRow, services::kudos::KudosView};
use maud::{Markup, html};

/// Kudos, newest first: who thanked whom, for what, where.
pub fn list(kudos: &[KudosView], empty: &str) -> Markup {
    html! {
        @if kudos.is_empty() { p { (empty) } }
        ul.kudos {
            @for k in kudos {
                li {
                    strong { (k.giver.shown_name()) } " thanked "
                    strong { (k.recipient.shown_name()) }
                    @if let Some(category) = &k.row.category {
                        " for " (crate::domain::kudos::category_phrase(category))
                    }
                    ": " (k.row.message)
                    " "
                    span.handle {
                        "in " (k.community.title) " · "
                        (k.row.published.format("%Y-%m-%d"))
                        @if let Some(link) = &k.row.thanks_for {
                            " · " a href=(link) rel="nofollow" { "what it is for" }
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
                    (person.shown_name()) " — "
                    (c.kudos) " kudos, " (c.posts) " posts, " (c.replies) " replies, "
                    (c.events) " events organised"
                }
            }
        }
    }
}
