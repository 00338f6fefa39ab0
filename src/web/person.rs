//! `/u/{name}`: a person's page. One of ours (`/u/alice`), or a remote
//! person we know (`/u/mona@mastodon.example`, the handle the API uses:
//! our names have no `@`), shown from what our database holds — never
//! fetched from their server — with their home instance linked. Both show
//! the communities they take part in here (moderator or member, local and
//! remote) and the kudos they received.

use super::{page::Page, remote};
use crate::{
    db::{self, community::CommunityRow, kudos::Role},
    error::AppError,
    federation::handle,
    services::kudos,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::{Markup, html};

/// `GET /u/{name}` and `GET /u/{name}@{host}` (HTML).
pub async fn person_page(page: Page, name: web::Path<String>) -> HttpResponse {
    let state = &page.fed.state;
    let found = async {
        let person = handle::known_person(&page.fed, &name).await?;
        // Unlisted communities are for the person themselves to see.
        let own = page.viewer.as_ref().is_some_and(|v| v.id == person.id);
        let mut conn = state.pool.get().await?;
        let communities = db::follow::communities_of(&mut conn, person.id, own).await?;
        drop(conn);
        let (received, _) = kudos::of_person(state, &person, Role::Received, None, 20).await?;
        Ok::<_, AppError>((person, communities, received))
    };
    match found.await {
        Ok((person, communities, received)) => {
            let shown = person.shown_name();
            let body = html! {
                h1 { (shown) }
                @if person.local {
                    p.handle { "@" (person.handle()) "@" (page.fed.settings.domain) }
                } @else {
                    p.handle {
                        @if let Some(name) = &person.username { "@" (name) "@" (person.domain) " · " }
                        (remote::home(&person.domain, &person.ap_id))
                    }
                }
                @if person.deleted_at.is_some() { p { em { "This account was deleted on its server." } } }
                @if let Some(bio) = &person.bio { p.lede { (bio) } }
                section.card aria-labelledby="communities" {
                    h2 #communities { "Communities" }
                    (taking_part(&communities))
                }
                section.card aria-labelledby="kudos" {
                    h2 #kudos { "Kudos received" }
                    (super::kudos::list(&received, "None yet."))
                }
            };
            page.render(StatusCode::OK, &shown, html! {}, body)
        }
        Err(err) => page.error(&err),
    }
}

/// The communities someone moderates or is a member of.
fn taking_part(communities: &[(CommunityRow, bool)]) -> Markup {
    html! {
        @if communities.is_empty() { p { "None yet." } }
        ul.plain {
            @for (community, moderator) in communities {
                li {
                    (remote::community(community)) " "
                    span.meta { @if *moderator { "· moderator" } @else { "· member" } }
                }
            }
        }
    }
}
