//! `/u/{name}`: a local person's page, with the kudos they received.

use super::page::Page;
use crate::{
    db::{self, kudos::Role},
    error::AppError,
    services::kudos,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::html;

/// `GET /u/{name}` (HTML).
pub async fn person_page(page: Page, name: web::Path<String>) -> HttpResponse {
    let state = &page.fed.state;
    let found = async {
        let mut conn = state.pool.get().await?;
        let person = db::person::find_local(&mut conn, &name)
            .await?
            .ok_or_else(|| AppError::not_found(format!("no person named `{name}`")))?;
        drop(conn);
        let (received, _) = kudos::of_person(state, &person, Role::Received, None, 20).await?;
        Ok::<_, AppError>((person, received))
    };
    match found.await {
        Ok((person, received)) => {
            let shown = person.shown_name();
            let body = html! {
                h1 { (shown) }
                p.handle { "@" (person.handle()) "@" (page.fed.settings.domain) }
                @if let Some(bio) = &person.bio { p.lede { (bio) } }
                section.card aria-labelledby="kudos" {
                    h2 #kudos { "Kudos received" }
                    (super::kudos::list(&received, "None yet."))
                }
            };
            page.render(StatusCode::OK, &shown, html! {}, body)
        }
        Err(err) => page.error(&err),
    }
}
