//! `/`: the instance front page with its listed communities.

use super::layout;
use crate::{federation::context::Federation, services::community};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::html;

/// `GET /`: lists the public and approval-required communities.
pub async fn front_page(state: web::Data<Federation>) -> HttpResponse {
    let name = &state.settings.instance_name;
    match community::list_communities(&state, false, None, 200).await {
        Ok((communities, _)) => super::html(
            StatusCode::OK,
            layout::page(
                name,
                "Communities",
                html! {
                    h1 { (name) }
                    p { (state.settings.instance_description) }
                    h2 { "Communities" }
                    @if communities.is_empty() {
                        p { "No communities yet." }
                    } @else {
                        ul {
                            @for c in &communities {
                                li {
                                    a href={ "/c/" (c.row.name) } { (c.row.title) }
                                    " "
                                    span.handle { "@" (c.row.name) "@" (state.settings.domain) }
                                    @if let Some(charter) = &c.charter {
                                        " — " (charter.purpose)
                                    }
                                }
                            }
                        }
                    }
                },
            ),
        ),
        Err(err) => layout::error_page(name, &err),
    }
}
