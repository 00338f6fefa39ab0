//! `/communities/new`: start a community, with its charter. The person
//! who starts it moderates it.

use super::{
    charter_form,
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::{
    domain::community::{PostingPolicy, Visibility},
    services::community::{self, NewCommunityInput},
};
use actix_web::{HttpResponse, web};
use maud::html;

const PATH: &str = "/communities/new";

const VISIBILITY: &[(&str, &str)] = &[
    ("public", "Public: listed in the directory, anyone may join"),
    (
        "approval_required",
        "Listed, and a moderator approves each member",
    ),
    ("unlisted", "Unlisted: anyone with the address may join"),
];

const POSTING: &[(&str, &str)] = &[
    ("members", "Every member"),
    ("moderators", "Moderators only"),
];

fn render(page: &Page, values: &Fields, problems: &Problems) -> HttpResponse {
    let text = |name: &str, kind: &str, label: form::Label| {
        form::input(
            name,
            name,
            kind,
            label,
            values.get(name),
            problems.for_field(name),
        )
    };
    let body = html! {
        h1 { "Start a community" }
        p.lede { "A community of practice: people who share a domain and learn by doing together. Its charter says why it exists, who it is for and how it meets." }
        (problems.summary())
        form method="post" action=(PATH) {
            (page.csrf_field())
            fieldset {
                legend { "The community" }
                (text("name", "text", label("Handle").required().hint("Lowercase letters, digits, _ . and -; people follow it as @handle from Mastodon.")))
                (text("title", "text", label("Title")))
                (form::textarea("summary", label("Summary").hint("Markdown."), values.get("summary"), 3, problems.for_field("summary")))
                (form::select("visibility", label("Who can find and join it"), VISIBILITY, values.get("visibility"), problems.for_field("visibility")))
                (form::select("posting_policy", label("Who may start posts"), POSTING, values.get("posting_policy"), problems.for_field("posting_policy")))
            }
            (charter_form::fields(values, problems))
            p { button type="submit" { "Start the community" } }
        }
    };
    page.render(problems.status(), "Start a community", html! {}, body)
}

/// `GET /communities/new`: the form (signed in).
pub async fn new_community_page(page: Page) -> HttpResponse {
    if let Err(sign_in) = page.signed_in(PATH) {
        return *sign_in;
    }
    render(&page, &Fields::default(), &Problems::none())
}

/// `POST /communities/new`: creates it and goes to its page.
pub async fn create_community(page: Page, body: web::Bytes) -> HttpResponse {
    let owner = match page.signed_in(PATH) {
        Ok(owner) => owner,
        Err(sign_in) => return *sign_in,
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) {
        return render(&page, &values, &Problems::expired());
    }
    let outcome = async {
        let visibility = values
            .get("visibility")
            .parse::<Visibility>()
            .map_err(|m| crate::domain::FieldError::new("visibility", m))?;
        let posting_policy = values
            .get("posting_policy")
            .parse::<PostingPolicy>()
            .map_err(|m| crate::domain::FieldError::new("posting_policy", m))?;
        let charter = if charter_form::is_blank(&values) {
            None
        } else {
            Some(charter_form::read(&values)?)
        };
        let input = NewCommunityInput {
            name: values.get("name").trim().to_string(),
            title: values.optional("title"),
            summary: values.optional("summary"),
            visibility,
            posting_policy,
            charter,
        };
        community::create_community(&page.fed.state, owner, input).await
    };
    match outcome.await {
        Ok(view) => page.see_other(&format!("/c/{}", view.row.name)),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &values, &problems),
            Err(err) => page.error(&err),
        },
    }
}
