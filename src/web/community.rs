//! `/c/{name}`: a community's page with its summary and charter, recent
//! posts (milestones among them), its kudos wall and top contributors.

use super::layout;
use crate::{
    db::kudos::RankBy,
    domain::{charter::Charter, markdown},
    federation::context::Federation,
    services::{
        community,
        contributors::{self, Period},
        kudos, post,
    },
};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::{Markup, PreEscaped, html};

/// `GET /c/{name}` (HTML).
pub async fn community_page(state: web::Data<Federation>, name: web::Path<String>) -> HttpResponse {
    let instance = &state.settings.instance_name;
    let view = match community::get_community(&state, &name).await {
        Ok(view) => view,
        Err(err) => return layout::error_page(instance, &err),
    };
    let row = &view.row;
    let posts = match post::list_posts(&state, row, None, 20).await {
        Ok((posts, _)) => posts,
        Err(err) => return layout::error_page(instance, &err),
    };
    let wall = match kudos::wall(&state, row, None, 10).await {
        Ok((wall, _)) => wall,
        Err(err) => return layout::error_page(instance, &err),
    };
    let month = Period::Days30;
    let top = match contributors::top(&state, row, month, RankBy::Kudos, 5).await {
        Ok(top) => top,
        Err(err) => return layout::error_page(instance, &err),
    };
    let body = html! {
        h1 { (row.title) }
        p.handle { "@" (row.name) "@" (state.settings.domain) " · " (view.followers) " members" }
        (PreEscaped(markdown::to_html(&row.summary)))
        @if let Some(charter) = &view.charter { (charter_section(charter)) }
        h2 { "Recent posts" }
        @if posts.is_empty() { p { "No posts yet." } }
        @for p in &posts {
            article {
                h3 { a href={ "/p/" (p.row.id) } { (super::post::heading(&p.row, 80)) } }
                p.handle { (p.author_name()) " · " (p.row.published.format("%Y-%m-%d %H:%M UTC")) " · " (p.likes) " likes" }
                (super::post::body(&p.row))
            }
        }
        section aria-labelledby="kudos" {
            h2 #kudos { "Kudos" }
            (super::kudos::list(&wall, "No kudos yet."))
            h3 { "Top contributors, last 30 days" }
            (super::kudos::contributors(&top))
        }
        h2 { "Moderators" }
        ul { @for m in &view.moderators { li { a href={ "/u/" (m.handle()) } { (m.handle()) } } } }
    };
    super::html(StatusCode::OK, layout::page(instance, &row.title, body))
}

fn charter_section(c: &Charter) -> Markup {
    html! {
        section aria-labelledby="charter" {
            h2 #charter { "Charter" }
            dl {
                @if let Some(domain) = &c.domain { dt { "Domain" } dd { (domain) } }
                @if !c.topics.is_empty() { dt { "Topics" } dd { (c.topics.join(", ")) } }
                dt { "Purpose" } dd { (c.purpose) }
                @if let Some(impact) = &c.impact { dt { "Desired impact" } dd { (impact) } }
                @if !c.indicators.is_empty() {
                    dt { "How we will know" } dd { ul { @for i in &c.indicators { li { (i) } } } }
                }
                @if let Some(audience) = &c.audience { dt { "Who it is for" } dd { (audience) } }
                @if let Some(why) = &c.audience_rationale { dt { "Why them" } dd { (why) } }
                @if !c.core_team.is_empty() { dt { "Core team" } dd { (c.core_team.join(", ")) } }
                @if !c.practices.is_empty() {
                    dt { "Practices" }
                    dd { ul { @for p in &c.practices {
                        li {
                            strong { (p.name) }
                            @if let Some(cadence) = &p.cadence { ", " (cadence) }
                            @if let Some(place) = &p.r#where { ", " (place) }
                            @if let Some(d) = &p.description { br; (d) }
                        }
                    } } }
                }
                @if let Some(meetings) = &c.meetings { dt { "Meetings" } dd { (meetings) } }
                @if !c.content_links.is_empty() {
                    dt { "Content" }
                    dd { ul { @for l in &c.content_links {
                        li { a href=(l.url) rel="nofollow noopener" { (l.label) } }
                    } } }
                }
                @if let Some(stage) = c.stage { dt { "Stage" } dd { (stage.as_str()) } }
                @if !c.organisations.is_empty() { dt { "Organisations" } dd { (c.organisations.join(", ")) } }
                @if !c.languages.is_empty() { dt { "Languages" } dd { (c.languages.join(", ")) } }
            }
        }
    }
}
