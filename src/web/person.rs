//! `/u/{name}`: a local person's page, with the kudos they received.

use super::layout;
use crate::{
    db::{self, kudos::Role},
    error::AppError,
    federation::context::Federation,
    services::kudos,
};
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
    let found = async {
        let person = person.await?;
        let (received, _) = kudos::of_person(&state, &person, Role::Received, None, 20).await?;
        Ok::<_, AppError>((person, received))
    };
    match found.await {
        Ok((person, received)) => {
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
                        h2 { "Kudos received" }
                        (super::kudos::list(&received, "None yet."))
                    },
                ),
            )
        }
        Err(err) => layout::error_page(instance, &err),
    }
}
