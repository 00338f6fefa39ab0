//! `/p/{id}`: a post with its replies (the link Mastodon shows under a
//! boosted `Page`), and the form to reply (`POST /p/{id}/replies`).

use super::{
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::{
    db,
    error::AppError,
    services::post::{self, PostView, local},
};
use actix_web::{HttpResponse, web};
use maud::{Markup, html};

/// `GET /p/{id}` (HTML).
pub async fn thread_page(page: Page, id: web::Path<i64>) -> HttpResponse {
    render(&page, *id, &Fields::default(), &Problems::none()).await
}

/// `POST /p/{id}/replies`: replies and shows the thread at the reply.
pub async fn create_reply(page: Page, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let back = format!("/p/{id}#reply");
    let author = match page.signed_in(&back) {
        Ok(author) => author,
        Err(sign_in) => return *sign_in,
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, *id, &values, &Problems::expired()).await;
    }
    let warning = values.optional("content_warning");
    match local::reply(&page.fed.state, author, *id, values.get("content"), warning).await {
        Ok(reply) => page.see_other(&format!("/p/{id}#post-{}", reply.row.id)),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, *id, &values, &problems).await,
            Err(err) => page.error(&err),
        },
    }
}

async fn render(page: &Page, id: i64, values: &Fields, problems: &Problems) -> HttpResponse {
    let state = &page.fed.state;
    let found = async {
        let (post, replies) = post::thread(state, id).await?;
        let moderator = match &page.viewer {
            Some(viewer) if post.community.local => {
                let mut conn = state.pool.get().await?;
                viewer.is_admin
                    || db::moderator::moderator_ids(&mut conn, post.community.id)
                        .await?
                        .contains(&viewer.id)
            }
            _ => false,
        };
        Ok::<_, AppError>((post, replies, moderator))
    };
    let (post, replies, moderator) = match found.await {
        Ok(found) => found,
        Err(err) => return page.error(&err),
    };
    let title = super::post::heading(&post.row, 80);
    let community = &post.community;
    let body = html! {
        p.meta { "← " (super::remote::community(community)) }
        h1 { (title) }
        (entry(&post, false))
        @if post.row.locked { p { em { "This thread is locked: no new replies." } } }
        @if moderator {
            details.card {
                summary { "Moderate this post" }
                form method="post" action={ "/p/" (id) "/moderate" } {
                    (page.csrf_field())
                    (form::select("action", label("Action"), &[
                        (if post.row.removed { "restore" } else { "remove" }, if post.row.removed { "Restore the post" } else { "Remove the post" }),
                        (if post.row.locked { "unlock" } else { "lock" }, if post.row.locked { "Unlock the thread" } else { "Lock the thread" }),
                    ], "", None))
                    (form::input("reason", "reason", "text", label("Reason").hint("Shown in the moderation log."), "", None))
                    p { button type="submit" { "Apply" } }
                }
            }
        }
        section aria-labelledby="replies" {
            h2 #replies { (replies.len()) @if replies.len() == 1 { " reply" } @else { " replies" } }
            @for reply in &replies { (entry(reply, true)) }
        }
        @if !post.row.locked && !post.row.deleted {
            section #reply aria-labelledby="reply-heading" {
                h2 #reply-heading { "Reply" }
                @if page.viewer.is_some() {
                    (problems.summary())
                    form.card method="post" action={ "/p/" (id) "/replies" } {
                        (page.csrf_field())
                        (form::textarea("content", label("Your reply").required().hint("Markdown."), values.get("content"), 5, problems.for_field("content")))
                        (form::input("content_warning", "content_warning", "text", label("Content warning").hint("Optional."),
                            values.get("content_warning"), problems.for_field("content_warning")))
                        p { button type="submit" { "Reply" } }
                    }
                } @else {
                    p { a href={ "/login?next=/p/" (id) "%23reply" } { "Sign in" } " to reply, or reply from Mastodon." }
                }
            }
        }
    };
    // Behind a content warning, the preview shows the warning, not the
    // text; a deleted post's shows nothing.
    let description = match &post.row.content_warning {
        _ if post.row.deleted => String::new(),
        Some(warning) => warning.clone(),
        None => crate::domain::markdown::excerpt(&post.row.content, 200),
    };
    let head = super::layout::open_graph("article", &title, &description, &post.row.ap_id);
    page.render(problems.status(), &title, head, body)
}

fn entry(view: &PostView, reply: bool) -> Markup {
    html! {
        article.post.reply[reply] id={ "post-" (view.row.id) } {
            p.meta {
                strong { (super::post::byline(view)) }
                " · " time datetime=(view.row.published.to_rfc3339()) { (view.row.published.format("%-d %b %Y, %H:%M UTC")) }
                " · " (view.likes) " likes"
            }
            (super::post::body(&view.row))
        }
    }
}
