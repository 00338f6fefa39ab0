//! `/c/{name}/kudos/new`: thank someone in a community (a member here, or
//! `@name@host` elsewhere); the kudos shows on the community's wall.

use super::{
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::{
    api::kudos::find_recipient,
    domain::kudos::category_phrase,
    services::{
        community,
        kudos::{self, KudosRequest},
    },
};
use actix_web::{HttpResponse, web};
use maud::html;

fn render(
    page: &Page,
    name: &str,
    view: &community::CommunityView,
    values: &Fields,
    problems: &Problems,
) -> HttpResponse {
    let title = &view.row.title;
    let categories = view.row.kudos_categories();
    let mut options: Vec<(String, String)> = vec![(String::new(), "No category".into())];
    options.extend(
        categories
            .0
            .iter()
            .map(|c| (c.clone(), format!("For {}", category_phrase(c)))),
    );
    let options: Vec<(&str, &str)> = options
        .iter()
        .map(|(v, s)| (v.as_str(), s.as_str()))
        .collect();
    let body = html! {
        p.meta { a href={ "/c/" (name) } { "← " (title) } }
        h1 { "Give kudos in " (title) }
        p.lede { "Thank someone for what they did for the community. The kudos is public: it shows on the wall, and Mastodon tells them." }
        (problems.summary())
        form.card method="post" action={ "/c/" (name) "/kudos" } {
            (page.csrf_field())
            (form::input("recipient", "recipient", "text", label("Who you thank").required().hint("A member's name here, or @name@their.instance."),
                values.get("recipient"), problems.for_field("recipient")))
            (form::textarea("message", label("What for").required(), values.get("message"), 3, problems.for_field("message")))
            (form::select("category", label("Category"), &options, values.get("category"), problems.for_field("category")))
            (form::input("for", "for", "url", label("Link to the post or event it thanks for").hint("Optional: an address in this community."),
                values.get("for"), problems.for_field("for")))
            p { button type="submit" { "Give kudos" } }
        }
    };
    page.render(
        problems.status(),
        &format!("Give kudos in {title}"),
        html! {},
        body,
    )
}

/// `GET /c/{name}/kudos/new` (signed in).
pub async fn new_kudos_page(page: Page, name: web::Path<String>) -> HttpResponse {
    if let Err(sign_in) = page.signed_in(&format!("/c/{name}/kudos/new")) {
        return *sign_in;
    }
    match community::get_community(&page.fed.state, &name).await {
        Ok(view) => render(&page, &name, &view, &Fields::default(), &Problems::none()),
        Err(err) => page.error(&err),
    }
}

/// `POST /c/{name}/kudos`: gives it and shows the wall.
pub async fn create_kudos(page: Page, name: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let giver = match page.signed_in(&format!("/c/{name}/kudos/new")) {
        Ok(giver) => giver,
        Err(sign_in) => return *sign_in,
    };
    let view = match community::get_community(&page.fed.state, &name).await {
        Ok(view) => view,
        Err(err) => return page.error(&err),
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, &name, &view, &values, &Problems::expired());
    }
    let given = async {
        let recipient = find_recipient(&page.fed, values.get("recipient")).await?;
        let request = KudosRequest {
            message: values.get("message").to_string(),
            category: values.optional("category"),
            thanks_for: values.optional("for"),
        };
        kudos::give(&page.fed.state, giver, &view.row, &recipient, &request).await
    };
    match given.await {
        Ok(_) => page.see_other(&format!("/c/{name}#kudos")),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &name, &view, &values, &problems),
            Err(err) => page.error(&err),
        },
    }
}
