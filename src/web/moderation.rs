//! Moderation on the pages: `/c/{name}/moderation` (moderators: ban or
//! unban a person, and the moderation log, which anyone may read), and
//! `POST /p/{id}/moderate` (remove or restore a post, lock or unlock its
//! thread, with a reason), through the same service as the API; each
//! action federates and lands in the log.

use super::{
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::{
    error::AppError,
    federation::handle,
    services::{
        community,
        moderation::{self, PostModeration},
    },
};
use actix_web::{HttpResponse, web};
use maud::html;

const BAN_ACTIONS: &[(&str, &str)] = &[("ban", "Ban"), ("unban", "Lift the ban")];

async fn render(page: &Page, name: &str, values: &Fields, problems: &Problems) -> HttpResponse {
    let state = &page.fed.state;
    let found = async {
        let view = community::get_community(state, name).await?;
        let log = moderation::modlog(state, &view.row).await?;
        Ok::<_, AppError>((view, log))
    };
    let (view, log) = match found.await {
        Ok(found) => found,
        Err(err) => return page.error(&err),
    };
    let moderator = page
        .viewer
        .as_ref()
        .is_some_and(|v| v.is_admin || view.moderators.iter().any(|m| m.id == v.id));
    let title = &view.row.title;
    let body = html! {
        p.meta { a href={ "/c/" (name) } { "← " (title) } }
        h1 { "Moderation of " (title) }
        @if moderator {
            section aria-labelledby="bans" {
                h2 #bans { "Ban a person" }
                p { "A ban ends their membership; they can no longer post, reply or answer events here. Remove or lock posts from their thread pages." }
                (problems.summary())
                form.card method="post" action={ "/c/" (name) "/moderation/bans" } {
                    (page.csrf_field())
                    (form::input("person", "person", "text", label("Person").required().hint("A name here, or @name@their.instance."),
                        values.get("person"), problems.for_field("person")))
                    (form::input("reason", "reason", "text", label("Reason").hint("Shown in the moderation log."),
                        values.get("reason"), problems.for_field("reason")))
                    (form::select("action", label("Action"), BAN_ACTIONS, values.get("action"), problems.for_field("action")))
                    p { button type="submit" { "Apply" } }
                }
            }
        }
        section aria-labelledby="log" {
            h2 #log { "Moderation log" }
            @if log.is_empty() {
                p { "Nothing yet." }
            } @else {
                div.card {
                    table.stack {
                        thead { tr { th scope="col" { "When" } th scope="col" { "Action" } th scope="col" { "About" } th scope="col" { "By" } th scope="col" { "Reason" } } }
                        tbody {
                            @for entry in &log {
                                tr {
                                    td data-label="When" { (entry.created_at.format("%-d %b %Y, %H:%M")) }
                                    td data-label="Action" { (entry.action) }
                                    td data-label="About" { a href=(entry.target) rel="nofollow" { (entry.target) } }
                                    td data-label="By" { (entry.moderator.as_deref().unwrap_or("")) }
                                    td data-label="Reason" { (entry.reason.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page.render(
        problems.status(),
        &format!("Moderation of {title}"),
        html! {},
        body,
    )
}

/// `GET /c/{name}/moderation`.
pub async fn moderation_page(page: Page, name: web::Path<String>) -> HttpResponse {
    render(&page, &name, &Fields::default(), &Problems::none()).await
}

/// `POST /c/{name}/moderation/bans` `person, reason, action=ban|unban`.
pub async fn ban(page: Page, name: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let back = format!("/c/{name}/moderation");
    let me = match page.signed_in(&back) {
        Ok(me) => me,
        Err(sign_in) => return *sign_in,
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, &name, &values, &Problems::expired()).await;
    }
    let done = async {
        let view = community::get_community(&page.fed.state, &name).await?;
        let person = handle::person(&page.fed, values.get("person"))
            .await
            .map_err(|_| {
                crate::domain::FieldError::new("person", "no such person could be found")
            })?;
        let banned = values.get("action") != "unban";
        let reason = values.optional("reason");
        moderation::set_banned(&page.fed.state, me, &view.row, &person, banned, reason).await
    };
    match done.await {
        Ok(()) => page.see_other(&format!("{back}#log")),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &name, &values, &problems).await,
            Err(err) => page.error(&err),
        },
    }
}

/// `POST /p/{id}/moderate` `action=remove|restore|lock|unlock, reason`.
pub async fn moderate_post(page: Page, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let back = format!("/p/{id}");
    let me = match page.signed_in(&back) {
        Ok(me) => me,
        Err(sign_in) => return *sign_in,
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return page.error(&AppError::forbidden(form::EXPIRED));
    }
    let (what, on) = match values.get("action") {
        "remove" => (PostModeration::Remove, true),
        "restore" => (PostModeration::Remove, false),
        "lock" => (PostModeration::Lock, true),
        "unlock" => (PostModeration::Lock, false),
        _ => {
            return page.error(&AppError::bad_request(
                "choose remove, restore, lock or unlock",
            ));
        }
    };
    let reason = values.optional("reason");
    match moderation::moderate_post(&page.fed.state, me, *id, what, on, reason).await {
        Ok(()) => page.see_other(&back),
        Err(err) => page.error(&err),
    }
}
