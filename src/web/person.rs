//! `/u/{name}`: a local person's page.

use super::layout;
use crate::{db, error::AppError, federation::context::Federation};
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::html;

/// `GET /u/{name}` (HTML).
pub async fn person_page(state: web::Data<Federation>, name: web::Path<String>) -> HttpResponse {
    let instance = &state.settings.instance_name;
    let person = async {
        let mut conn = state.pool.get().await?;
        db::person::find_local(&mut conn, &name)
            .await?
            .ok_or_else(|| AppError::not_found(format!("no person named `{name}`")))
    };
    match person.await {
        Ok(person) => {
            let shown = person.shown_name();
            super::html(
                StatusCode::OK,
                layout::page(
                    instance,
                    &shown,
                    html! {
                        h1 { (shown) }
                        p.handle { "@" (person.handle()) "@" (state.settings.domain) }
                        @if let Some(bio) = &person.bio { p { (bio) } }
                    },
                ),
            )
        }
        Err(err) => layout::error_page(instance, &err),
    }
}
