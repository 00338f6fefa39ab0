//! Co-design pages: `/c/{name}/proposals` (the community's proposals),
//! `/c/{name}/proposals/{id}` (what one changes, why, the votes, and the
//! vote buttons), `POST …/{id}/vote` and `POST …/{id}/close` (moderators
//! decide early; a moderator or the proposer withdraws). Proposing is
//! `proposal_new`.

use super::{
    charter_view,
    form::{Fields, Problems},
    page::Page,
};
use crate::{
    domain::proposal::{ProposalStatus, VoteOption},
    error::AppError,
    services::{
        community::{self, CommunityView},
        proposal::{self, ProposalView, decide, vote},
    },
};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::{Markup, html};

/// `GET /c/{name}/proposals`: newest first.
pub async fn proposals_page(page: Page, name: web::Path<String>) -> HttpResponse {
    let state = &page.fed.state;
    let found = async {
        let view = community::get_community(state, &name).await?;
        let (proposals, _) =
            proposal::list(state, &view.row, page.viewer.as_ref(), None, None, 50).await?;
        Ok::<_, AppError>((view, proposals))
    };
    let (view, proposals) = match found.await {
        Ok(found) => found,
        Err(err) => return page.error(&err),
    };
    let title = &view.row.title;
    let body = html! {
        p.meta { a href={ "/c/" (name) } { "← " (title) } }
        h1 { "Proposals for the charter" }
        p.lede { "Members shape the charter together: anyone who belongs to " (title)
            " may propose a change, and the members decide it by vote — here, or from Mastodon, where it shows as a poll." }
        @if page.viewer.is_some() {
            p { a.button href={ "/c/" (name) "/proposals/new" } { "Propose a change" } }
        }
        (list(&name, &proposals))
    };
    page.render(
        StatusCode::OK,
        &format!("Proposals in {title}"),
        html! {},
        body,
    )
}

/// Proposals as a list: what each changes, where it stands, the votes.
pub fn list(name: &str, proposals: &[ProposalView]) -> Markup {
    html! {
        @if proposals.is_empty() { p { "No proposals yet." } }
        ul.plain {
            @for p in proposals {
                li {
                    a href={ "/c/" (name) "/proposals/" (p.row.id) } { strong { (changed_fields(p)) } }
                    br;
                    span.meta {
                        (status_text(p)) " · " (p.tally().accept) " accept, " (p.tally().reject) " reject, "
                        (p.tally().abstain) " abstain"
                        @if let Some(proposer) = &p.proposer { " · by " (super::remote::person(proposer)) }
                    }
                }
            }
        }
    }
}

fn changed_fields(p: &ProposalView) -> String {
    let names: Vec<String> = p
        .changes
        .iter()
        .map(|c| c.field.replace('_', " "))
        .collect();
    if names.is_empty() {
        "Change to the charter".into()
    } else {
        format!("Change the {}", names.join(", "))
    }
}

fn status_text(p: &ProposalView) -> String {
    match p.row.status {
        ProposalStatus::Open => format!(
            "open until {}",
            p.row.closes_at.format("%-d %b %Y, %H:%M UTC")
        ),
        ProposalStatus::Accepted => match p.row.charter_version {
            Some(version) => format!("accepted: charter version {version}"),
            None => "accepted".into(),
        },
        ProposalStatus::Rejected => "not accepted".into(),
        ProposalStatus::Withdrawn => "withdrawn".into(),
    }
}

/// `GET /c/{name}/proposals/{id}`.
pub async fn proposal_page(page: Page, path: web::Path<(String, i64)>) -> HttpResponse {
    let (name, id) = path.into_inner();
    render(&page, &name, id, &Problems::none()).await
}

async fn render(page: &Page, name: &str, id: i64, problems: &Problems) -> HttpResponse {
    let state = &page.fed.state;
    let found = async {
        let view = community::get_community(state, name).await?;
        let proposal = proposal::get(state, &view.row, id, page.viewer.as_ref()).await?;
        Ok::<_, AppError>((view, proposal))
    };
    let (view, p) = match found.await {
        Ok(found) => found,
        Err(err) => return page.error(&err),
    };
    let title = &view.row.title;
    let heading = changed_fields(&p);
    let tally = p.tally();
    let body = html! {
        p.meta { a href={ "/c/" (name) "/proposals" } { "← Proposals in " (title) } }
        h1 { (heading) }
        p.lede { "Proposed by " @if let Some(proposer) = &p.proposer { (super::remote::person(proposer)) } @else { "a member" }
            " · " (status_text(&p)) }
        div.layout {
            div {
                section.card aria-labelledby="why" {
                    h2 #why { "Why" }
                    p { (p.row.rationale) }
                }
                section.card aria-labelledby="changes" {
                    h2 #changes { "What changes" }
                    table {
                        thead { tr { th scope="col" { "Field" } th scope="col" {
                            @if p.row.status == ProposalStatus::Accepted { "Before" } @else { "Now" } }
                            th scope="col" { "Proposed" } } }
                        tbody {
                            @for change in &p.changes {
                                tr {
                                    th scope="row" { (change.field.replace('_', " ")) }
                                    td { (shown(&change.current)) }
                                    td { (shown(&change.proposed)) }
                                }
                            }
                        }
                    }
                    details {
                        summary { "The whole charter as proposed" }
                        (charter_view::at_a_glance(&p.row.charter))
                    }
                }
                p { a href={ "/p/" (p.post.id) } { "Discuss it" } " (replies to the poll, also from Mastodon)" }
            }
            aside aria-label="Votes" {
                section.card #vote aria-labelledby="vote-heading" {
                    h2 #vote-heading { "Votes" }
                    p { span.count { (tally.accept) } " accept · " span.count { (tally.reject) } " reject · "
                        span.count { (tally.abstain) } " abstain" }
                    p.meta { "Decided by a simple majority of the votes cast, once " (p.row.quorum)
                        @if p.row.quorum == 1 { " person has" } @else { " people have" } " voted." }
                    (problems.summary())
                    (vote_form(page, name, &p))
                    p.meta { "From Mastodon: follow " code { "@" (view.row.name) "@" (view.row.domain) } " and vote on the poll." }
                }
                (close_form(page, name, &view, &p))
            }
        }
    };
    page.render(problems.status(), &heading, html! {}, body)
}

/// A charter value as text.
fn shown(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) if items.is_empty() => "—".into(),
        serde_json::Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join("; "),
        serde_json::Value::Object(map) => map
            .values()
            .map(shown)
            .filter(|s| s != "—")
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The vote buttons, for a signed-in reader while voting is open.
fn vote_form(page: &Page, name: &str, p: &ProposalView) -> Markup {
    if p.row.status != ProposalStatus::Open {
        return html! {};
    }
    if page.viewer.is_none() {
        return html! { p { a href={ "/login?next=/c/" (name) "/proposals/" (p.row.id) } { "Sign in" } " to vote." } };
    }
    html! {
        form method="post" action={ "/c/" (name) "/proposals/" (p.row.id) "/vote" } {
            (page.csrf_field())
            @if let Some(mine) = p.my_vote {
                p { "Your vote: " strong { (mine.poll_name()) } }
            }
            div.actions role="group" aria-label="Your vote" {
                @for option in VoteOption::ALL {
                    button.secondary[p.my_vote != Some(option)] type="submit" name="option" value=(option.as_str())
                        aria-pressed=(if p.my_vote == Some(option) { "true" } else { "false" }) { (option.poll_name()) }
                }
            }
        }
    }
}

/// Closing early (moderators) and withdrawing (moderators, the proposer).
fn close_form(page: &Page, name: &str, view: &CommunityView, p: &ProposalView) -> Markup {
    let Some(viewer) = &page.viewer else {
        return html! {};
    };
    let moderator = viewer.is_admin || view.moderators.iter().any(|m| m.id == viewer.id);
    let proposer = p.row.proposer_id == Some(viewer.id);
    if p.row.status != ProposalStatus::Open || !(moderator || proposer) {
        return html! {};
    }
    html! {
        section.card aria-labelledby="close-heading" {
            h2 #close-heading { "Close" }
            form method="post" action={ "/c/" (name) "/proposals/" (p.row.id) "/close" } {
                (page.csrf_field())
                div.actions {
                    @if moderator {
                        button.secondary type="submit" name="outcome" value="decide" { "Decide now on the votes cast" }
                    }
                    button.secondary type="submit" name="outcome" value="withdraw" { "Withdraw it" }
                }
            }
        }
    }
}

/// `POST /c/{name}/proposals/{id}/vote` `option=accept|reject|abstain`.
pub async fn vote_on(page: Page, path: web::Path<(String, i64)>, body: web::Bytes) -> HttpResponse {
    let (name, id) = path.into_inner();
    let back = format!("/c/{name}/proposals/{id}");
    let person = match page.signed_in(&back) {
        Ok(person) => person,
        Err(sign_in) => return *sign_in,
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, &name, id, &Problems::expired()).await;
    }
    let Some(option) = VoteOption::parse(values.get("option")) else {
        let problem = Problems::field("option", "choose accept, reject or abstain");
        return render(&page, &name, id, &problem).await;
    };
    let voted = async {
        let view = community::get_community(&page.fed.state, &name).await?;
        vote::vote(&page.fed.state, person, &view.row, id, option).await
    };
    match voted.await {
        Ok(_) => page.see_other(&format!("{back}#vote")),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &name, id, &problems).await,
            Err(err) => page.error(&err),
        },
    }
}

/// `POST /c/{name}/proposals/{id}/close` `outcome=decide|withdraw`.
pub async fn close(page: Page, path: web::Path<(String, i64)>, body: web::Bytes) -> HttpResponse {
    let (name, id) = path.into_inner();
    let back = format!("/c/{name}/proposals/{id}");
    let person = match page.signed_in(&back) {
        Ok(person) => person,
        Err(sign_in) => return *sign_in,
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, &name, id, &Problems::expired()).await;
    }
    let withdraw = values.get("outcome") == "withdraw";
    let closed = async {
        let view = community::get_community(&page.fed.state, &name).await?;
        decide::close(&page.fed.state, person, &view.row, id, withdraw).await
    };
    match closed.await {
        Ok(_) => page.see_other(&back),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &name, id, &problems).await,
            Err(err) => page.error(&err),
        },
    }
}
