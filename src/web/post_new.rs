//! `/c/{name}/posts/new`: write a post in a community (Markdown, an
//! optional title and content warning); it opens as its thread.

use super::{
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::services::{
    community,
    post::local::{self, Writing},
};
use actix_web::{HttpResponse, web};
use maud::html;

fn render(
    page: &Page,
    name: &str,
    title: &str,
    values: &Fields,
    problems: &Problems,
) -> HttpResponse {
    let field = |name: &str, label: form::Label| {
        form::input(
            name,
            name,
            "text",
            label,
            values.get(name),
            problems.for_field(name),
        )
    };
    let body = html! {
        p.meta { a href={ "/c/" (name) } { "← " (title) } }
        h1 { "Write a post in " (title) }
        (problems.summary())
        form.card method="post" action={ "/c/" (name) "/posts" } {
            (page.csrf_field())
            (field("title", label("Title")))
            (form::textarea("content", label("Text").required().hint("Markdown: **bold**, _italic_, [links](https://example.org), lists."),
                values.get("content"), 10, problems.for_field("content")))
            (field("content_warning", label("Content warning").hint("Optional: readers see this first and open the text themselves.")))
            p { button type="submit" { "Publish" } }
        }
    };
    page.render(
        problems.status(),
        &format!("Write in {title}"),
        html! {},
        body,
    )
}

/// `GET /c/{name}/posts/new` (signed in).
pub async fn new_post_page(page: Page, name: web::Path<String>) -> HttpResponse {
    if let Err(sign_in) = page.signed_in(&format!("/c/{name}/posts/new")) {
        return *sign_in;
    }
    match community::get_community(&page.fed.state, &name).await {
        Ok(view) => render(
            &page,
            &name,
            &view.row.title,
            &Fields::default(),
            &Problems::none(),
        ),
        Err(err) => page.error(&err),
    }
}

/// `POST /c/{name}/posts`: publishes and goes to the new thread.
pub async fn create_post(page: Page, name: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let author = match page.signed_in(&format!("/c/{name}/posts/new")) {
        Ok(author) => author,
        Err(sign_in) => return *sign_in,
    };
    let view = match community::get_community(&page.fed.state, &name).await {
        Ok(view) => view,
        Err(err) => return page.error(&err),
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, &name, &view.row.title, &values, &Problems::expired());
    }
    let writing = Writing {
        title: values.optional("title"),
        content: values.get("content").to_string(),
        content_warning: values.optional("content_warning"),
    };
    match local::create_post(&page.fed.state, author, &view.row, &writing).await {
        Ok(post) => page.see_other(&format!("/p/{}", post.row.id)),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &name, &view.row.title, &values, &problems),
            Err(err) => page.error(&err),
        },
    }
}
