//! `/p/{id}`: a post with its replies (the link Mastodon shows under a
//! boosted `Page`).

use super::layout;
use crate::{
    federation::context::Federation,
    services::post::{self, PostView},
};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::{Markup, html};

/// `GET /p/{id}` (HTML).
pub async fn thread_page(state: web::Data<Federation>, id: web::Path<i64>) -> HttpResponse {
    let instance = &state.settings.instance_name;
    let (post, replies) = match async {
        let post = post::get_in_thread(&state, *id).await?;
        let replies = post::list_replies(&state, *id).await?;
        Ok::<_, crate::error::AppError>((post, replies))
    }
    .await
    {
        Ok(found) => found,
        Err(err) => return layout::error_page(instance, &err),
    };
    let title = super::post::heading(&post.row, 80);
    let community = &post.community;
    let body = html! {
        p { a href=(community.ap_id) { (community.title) } }
        h1 { (title) }
        (entry(&post))
        @if post.row.locked { p { em { "This thread is locked." } } }
        h2 { (replies.len()) " replies" }
        @for reply in &replies { (entry(reply)) }
    };
    // Behind a content warning, the preview shows the warning, not the
    // text; a deleted post's shows nothing.
    let description = match &post.row.content_warning {
        _ if post.row.deleted => String::new(),
        Some(warning) => warning.clone(),
        None => crate::domain::markdown::excerpt(&post.row.content, 200),
    };
    let head = layout::open_graph("article", &title, &description, &post.row.ap_id);
    super::html(
        StatusCode::OK,
        layout::page_with_head(instance, &title, head, body),
    )
}

fn entry(view: &PostView) -> Markup {
    html! {
        article {
            p.handle {
                (view.author_name())
                " · " (view.row.published.format("%Y-%m-%d %H:%M UTC"))
                " · " (view.likes) " likes"
            }
            (super::post::body(&view.row))
        }
    }
}
