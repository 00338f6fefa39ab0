//! `/c/{name}`: a community's page. The charter at a glance (purpose, who
//! it is for, how and when it meets, where its content lives, its stage),
//! then its posts (milestones among them); beside them the member count,
//! the handle to follow from Mastodon, a join button, what a signed-in
//! person can do there, upcoming events, the kudos wall and top
//! contributors. A remote community we hold (`/c/{name}@{host}`; our
//! names have no `@`) shows the same from our database alone — never
//! fetched — read-only, with its home instance linked.

use super::{charter_view, page::Page};
use crate::{
    db::{self, follow::FollowState, kudos::RankBy},
    domain::{markdown, proposal::ProposalStatus},
    error::AppError,
    federation::handle,
    services::{
        community::{self, CommunityView},
        contributors::{self, Period},
        event::{self, EventView, schedule_of},
        kudos, post, proposal,
    },
};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::{Markup, html};

/// What the viewer is to the community.
struct Standing {
    membership: Option<FollowState>,
    /// A moderator or an admin.
    moderator: bool,
}

impl Standing {
    /// Takes part (an accepted member, a moderator or an admin): sees who
    /// answered the events.
    fn takes_part(&self) -> bool {
        self.moderator || self.membership == Some(FollowState::Accepted)
    }
}

/// `GET /c/{name}` and `GET /c/{name}@{host}` (HTML).
pub async fn community_page(page: Page, name: web::Path<String>) -> HttpResponse {
    match render(&page, &name).await {
        Ok(response) => response,
        Err(err) => page.error(&err),
    }
}

async fn render(page: &Page, name: &str) -> Result<HttpResponse, AppError> {
    let state = &page.fed.state;
    let row = handle::community(&page.fed, name, false).await?;
    let view = community::describe(state, row).await?;
    let row = &view.row;
    let ours = row.local;
    let standing = match &page.viewer {
        Some(viewer) => {
            let mut conn = state.pool.get().await?;
            Standing {
                membership: db::follow::find(&mut conn, row.id, viewer.id)
                    .await?
                    .map(|(state, _)| state),
                moderator: viewer.is_admin || view.moderators.iter().any(|m| m.id == viewer.id),
            }
        }
        None => Standing {
            membership: None,
            moderator: false,
        },
    };
    let (posts, _) = post::list_posts(state, row, None, 20).await?;
    let events = event::list_events(state, row, false, 5, standing.takes_part()).await?;
    let (wall, _) = kudos::wall(state, row, None, 10).await?;
    let top = contributors::top(state, row, Period::Days30, RankBy::Kudos, 5).await?;
    let (open, _) = proposal::list(
        state,
        row,
        page.viewer.as_ref(),
        Some(ProposalStatus::Open),
        None,
        5,
    )
    .await?;
    let handle = format!("@{}@{}", row.name, row.domain);
    let summary = markdown::to_html(&row.summary);
    let body = html! {
        div.community-head {
            @if let Some(stage) = view.charter.as_ref().and_then(|c| c.stage) {
                span.stage { (stage.as_str()) }
            }
            h1 { (row.title) }
            @if !ours { p.handle { (super::remote::home(&row.domain, &row.ap_id)) } }
            @if let Some(domain) = view.charter.as_ref().and_then(|c| c.domain.as_ref()) {
                p.lede { (domain) }
            }
            (membership(page, &view, &handle, &standing))
        }
        div.layout {
            div {
                @if !row.summary.trim().is_empty() {
                    section.card aria-labelledby="about" {
                        h2 #about { "About" }
                        (super::content::embed(&summary))
                    }
                }
                @if let Some(charter) = &view.charter {
                    section.card aria-labelledby="charter" {
                        h2 #charter { "Charter" }
                        (charter_view::at_a_glance(charter))
                        @if ours {
                            p.meta {
                                "Version " (row.charter_version) " · "
                                a href={ "/c/" (row.name) "/charter/history" } { "history" }
                                @if standing.moderator {
                                    " · " a href={ "/c/" (row.name) "/charter" } { "edit the charter" }
                                }
                            }
                        }
                    }
                } @else if ours && standing.moderator {
                    p { a.button href={ "/c/" (row.name) "/charter" } { "Write the charter" } }
                }
                section aria-labelledby="posts" {
                    h2 #posts { "Posts" }
                    @if ours && page.viewer.is_some() {
                        p { a.button href={ "/c/" (row.name) "/posts/new" } { "Write a post" } }
                    }
                    @if posts.is_empty() { p { "No posts yet." } }
                    @for p in &posts {
                        article.post {
                            h3 { a href={ "/p/" (p.row.id) } { (super::post::heading(&p.row, 80)) } }
                            p.meta {
                                @if p.row.milestone.is_some() { "Milestone · " }
                                (super::post::byline(p)) " · "
                                time datetime=(p.row.published.to_rfc3339()) { (p.row.published.format("%-d %b %Y, %H:%M UTC")) }
                                " · " (p.likes) " likes"
                            }
                            (super::post::body(&p.row))
                        }
                    }
                }
            }
            aside aria-label="About this community" {
                section.card aria-labelledby="events" {
                    h2 #events { "Upcoming events" }
                    (upcoming(&events))
                    @if ours {
                        @if page.viewer.is_some() {
                            p { a.button.secondary href={ "/c/" (row.name) "/events/new" } { "Plan an event" } }
                        }
                        p.meta { a href={ "/c/" (row.name) "/events.ics" } { "Subscribe to the calendar (.ics)" } }
                    }
                }
                @if ours {
                    section.card aria-labelledby="proposals" {
                        h2 #proposals { "Shaping the charter" }
                        (super::proposal::list(name, &open))
                        p { a href={ "/c/" (row.name) "/proposals" } { "All proposals" } }
                        @if page.viewer.is_some() {
                            p { a.button.secondary href={ "/c/" (row.name) "/proposals/new" } { "Propose a change" } }
                        }
                    }
                }
                section.card aria-labelledby="kudos" {
                    h2 #kudos { "Kudos wall" }
                    (super::kudos::list(&wall, "No kudos yet."))
                    @if ours && page.viewer.is_some() {
                        p { a.button.secondary href={ "/c/" (row.name) "/kudos/new" } { "Give kudos" } }
                    }
                    h3 { "Top contributors, last 30 days" }
                    (super::kudos::contributors(&top))
                }
                section.card aria-labelledby="moderators" {
                    h2 #moderators { "Moderators" }
                    @if view.moderators.is_empty() { p { "Not known here." } }
                    ul { @for m in &view.moderators { li { (super::remote::person(m)) } } }
                    @if ours {
                        p.meta { a href={ "/c/" (row.name) "/moderation" } {
                            @if standing.moderator { "Moderation: bans and the log" } @else { "Moderation log" } } }
                    }
                }
            }
        }
    };
    let summary = markdown::sanitized_text(&summary);
    let head = html! {
        (super::layout::open_graph("website", &row.title, &summary, &row.ap_id))
        @if ours {
            link rel="alternate" type="application/atom+xml" title={ (row.title) " (posts and events)" }
                href={ "/c/" (row.name) "/feed.atom" };
            link rel="alternate" type="text/calendar" title={ (row.title) " (calendar)" }
                href={ "/c/" (row.name) "/events.ics" };
        }
    };
    Ok(page.render(StatusCode::OK, &row.title, head, body))
}

/// Members (of a remote community: those here), the handle to follow from
/// Mastodon, and the join button.
fn membership(page: &Page, view: &CommunityView, handle: &str, standing: &Standing) -> Markup {
    let row = &view.row;
    let path = super::remote::community_path(row);
    let back: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
    html! {
        section.membership #members aria-label="Membership" {
            p { span.count { (view.followers) } @if view.followers == 1 { " member" } @else { " members" }
                @if !row.local { " here" } }
            p { "Follow from Mastodon: " code { (handle) } }
            @if page.viewer.is_some() {
                form method="post" action={ (path) "/follow" } {
                    (page.csrf_field())
                    @match standing.membership {
                        Some(FollowState::Accepted) => {
                            input type="hidden" name="action" value="leave";
                            p { "You are a member. " button.secondary type="submit" { "Leave" } }
                        }
                        Some(FollowState::Pending) => {
                            input type="hidden" name="action" value="leave";
                            p { "Your request awaits a moderator. " button.secondary type="submit" { "Withdraw" } }
                        }
                        None => {
                            input type="hidden" name="action" value="join";
                            button type="submit" { "Join " (row.title) }
                        }
                    }
                }
            } @else {
                p { a href={ "/login?next=" (back) } { "Sign in" } " to join, post and RSVP." }
            }
            @if row.local { p.meta { a href={ "/c/" (row.name) "/feed.atom" } { "Atom feed" } } }
        }
    }
}

/// The next events, each with when and how many are going.
fn upcoming(events: &[EventView]) -> Markup {
    html! {
        @if events.is_empty() { p { "Nothing planned yet." } }
        ul.plain {
            @for e in events {
                li {
                    a href={ "/events/" (e.row.id) } { strong { (e.row.title) } }
                    br;
                    span.meta { (schedule_of(&e.row).readable()) " · " (e.going) " going" }
                }
            }
        }
    }
}
