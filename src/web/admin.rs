//! `/admin`: the instance's federation for its admins — the policy (open,
//! or partners only), the queues, each instance's delivery state, and
//! forms to block or unblock an instance and to link or unlink a partner,
//! through the same services as the admin API and CLI.

use super::{
    form::{self, Fields, Problems, label},
    page::Page,
};
use crate::{
    error::AppError,
    federation::partner,
    services::federation_admin::{self, FederationState},
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use maud::{Markup, html};

const ACTIONS: &[(&str, &str)] = &[
    ("partner", "Link as a partner"),
    ("unpartner", "Unlink the partner"),
    ("block", "Block"),
    ("unblock", "Lift the block"),
];

fn when(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.format("%-d %b %Y, %H:%M").to_string())
        .unwrap_or_default()
}

fn instances(state: &FederationState) -> Markup {
    html! {
        @if state.instances.is_empty() {
            p { "No other instance yet." }
        } @else {
            div.card {
                table.stack {
                    thead { tr {
                        th scope="col" { "Instance" } th scope="col" { "Policy" } th scope="col" { "Software" }
                        th scope="col" { "Queued" } th scope="col" { "Delivered" } th scope="col" { "Failed" }
                        th scope="col" { "Last success" } th scope="col" { "Last failure" }
                    } }
                    tbody {
                        @for i in &state.instances {
                            tr {
                                th scope="row" { (i.domain) }
                                td data-label="Policy" { (i.policy) }
                                td data-label="Software" { (i.software.as_deref().unwrap_or("")) }
                                td data-label="Queued" { (i.pending_deliveries)
                                    @if let Some(oldest) = i.oldest_pending { " (since " (when(Some(oldest))) ")" } }
                                td data-label="Delivered" { (i.delivered) }
                                td data-label="Failed" { (i.failed) }
                                td data-label="Last success" { (when(i.last_success_at)) }
                                td data-label="Last failure" { (when(i.last_failure_at))
                                    @if let Some(error) = &i.last_error { br; span.meta { (error) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn render(page: &Page, values: &Fields, problems: &Problems) -> HttpResponse {
    let me = match page.signed_in("/admin") {
        Ok(me) => me,
        Err(sign_in) => return *sign_in,
    };
    if !me.is_admin {
        return page.error(&AppError::forbidden(
            "only the instance's admins see this page",
        ));
    }
    let state = match federation_admin::federation_state(&page.fed.state).await {
        Ok(state) => state,
        Err(err) => return page.error(&err),
    };
    let body = html! {
        h1 { "Federation" }
        p.lede {
            @if state.mode == "allowlist" { "Partners only: this instance federates with its partner instances and no others." }
            @else { "Open: this instance federates with every instance it has not blocked." }
        }
        p { span.count { (state.deliveries_pending) } " deliveries queued · "
            span.count { (state.incoming_pending) } " received activities waiting · "
            span.count { (state.incoming_dead) } " given up" }
        section aria-labelledby="policy" {
            h2 #policy { "Partners and blocks" }
            (problems.summary())
            form.card method="post" action="/admin" {
                (page.csrf_field())
                (form::input("domain", "domain", "text", label("Instance").required().hint("A host name, such as guild.example.org."),
                    values.get("domain"), problems.for_field("domain")))
                (form::select("action", label("Action"), ACTIONS, values.get("action"), problems.for_field("action")))
                p { button type="submit" { "Apply" } }
            }
        }
        section aria-labelledby="instances" {
            h2 #instances { "Delivery state per instance" }
            (instances(&state))
        }
    };
    page.render(problems.status(), "Federation", html! {}, body)
}

/// `GET /admin` (admins).
pub async fn admin_page(page: Page) -> HttpResponse {
    render(&page, &Fields::default(), &Problems::none()).await
}

/// `POST /admin` `domain, action=partner|unpartner|block|unblock`.
pub async fn change_policy(page: Page, body: web::Bytes) -> HttpResponse {
    let me = match page.signed_in("/admin") {
        Ok(me) => me,
        Err(sign_in) => return *sign_in,
    };
    let values = Fields::parse(&body).unwrap_or_default();
    if !page.csrf_holds(values.csrf()) || !me.is_admin {
        let problems = if me.is_admin {
            Problems::expired()
        } else {
            Problems::general(actix_web::http::StatusCode::FORBIDDEN, "only admins")
        };
        return render(&page, &values, &problems).await;
    }
    let domain = values.get("domain");
    let done = match values.get("action") {
        "partner" => partner::link(&page.fed, domain).await.map(|_| ()),
        "unpartner" => partner::unlink(&page.fed, domain).await.map(|_| ()),
        "block" => federation_admin::set_blocked(&page.fed.state, domain, true)
            .await
            .map(|_| ()),
        "unblock" => federation_admin::set_blocked(&page.fed.state, domain, false)
            .await
            .map(|_| ()),
        _ => Err(crate::domain::FieldError::new("action", "choose one of the actions").into()),
    };
    match done {
        Ok(()) => page.see_other("/admin#instances"),
        Err(err) => match Problems::from_error(err) {
            Ok(problems) => render(&page, &values, &problems).await,
            Err(err) => page.error(&err),
        },
    }
}
