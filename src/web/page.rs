//! [`Page`]: what every page handler starts from — the state, who is
//! signed in (from the `guildhall_session` cookie), the browser's CSRF
//! token — and the one way a page is answered: in the site's frame, with
//! the CSRF cookie set when the token is new and a dead session cookie
//! cleared. Form pages that need a signed-in person send everyone else to
//! `/login?next=<the form page>`.

use super::{csrf, layout, sign_in::SESSION_COOKIE};
use crate::{
    db::person::PersonRow,
    error::{AppError, ErrorKind},
    federation::context::Federation,
    services::account,
};
use actix_web::{
    FromRequest, HttpRequest, HttpResponse,
    cookie::{Cookie, time::Duration as CookieAge},
    dev::Payload,
    http::{StatusCode, header},
    web,
};
use maud::{Markup, html};
use std::{future::Future, pin::Pin};

/// A request for a page.
pub struct Page {
    pub fed: web::Data<Federation>,
    /// The signed-in person, if any.
    pub viewer: Option<PersonRow>,
    /// The token every form on the page carries.
    pub csrf: String,
    fresh_csrf: bool,
    /// A session cookie that no longer signs anyone in (expired, signed
    /// out elsewhere): cleared with the response.
    session_lost: bool,
    req: HttpRequest,
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let fed = req
                .app_data::<web::Data<Federation>>()
                .cloned()
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            let (csrf, fresh_csrf) = csrf::token(&req);
            let (viewer, session_lost) = match req.cookie(SESSION_COOKIE) {
                Some(cookie) if !cookie.value().is_empty() => {
                    match account::authenticate(&fed.state, cookie.value()).await {
                        Ok(person) => (Some(person), false),
                        Err(err) if err.kind == ErrorKind::Unauthorized => (None, true),
                        Err(err) => return Err(err),
                    }
                }
                _ => (None, false),
            };
            Ok(Page {
                fed,
                viewer,
                csrf,
                fresh_csrf,
                session_lost,
                req,
            })
        })
    }
}

impl Page {
    /// The instance's name.
    pub fn instance(&self) -> &str {
        &self.fed.settings.instance_name
    }

    /// The request (for cookies and the client address).
    pub fn request(&self) -> &HttpRequest {
        &self.req
    }

    /// True when `submitted` is this browser's CSRF token.
    pub fn csrf_holds(&self, submitted: &str) -> bool {
        csrf::holds(&self.req, submitted)
    }

    /// The hidden field every form carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf); }
    }

    /// The signed-in person, or (boxed, as a response is large) a
    /// redirect to sign in and come back to `back` (the form's own page).
    pub fn signed_in(&self, back: &str) -> Result<&PersonRow, Box<HttpResponse>> {
        self.viewer.as_ref().ok_or_else(|| {
            let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
            Box::new(
                self.finish(
                    HttpResponse::SeeOther()
                        .insert_header((header::LOCATION, format!("/login?next={next}")))
                        .finish(),
                ),
            )
        })
    }

    /// The page `body` titled `title`, with `head` (feeds, OpenGraph) in
    /// its head.
    pub fn render(
        &self,
        status: StatusCode,
        title: &str,
        head: Markup,
        body: Markup,
    ) -> HttpResponse {
        let markup = layout::frame(self, title, head, body);
        self.finish(super::html(status, markup))
    }

    /// A page that says what went wrong (internal causes only in the log).
    pub fn error(&self, err: &AppError) -> HttpResponse {
        if matches!(err.kind, ErrorKind::Internal | ErrorKind::Unavailable) {
            tracing::error!(error = %err, "page failed");
        }
        let reason = err.kind.status().canonical_reason().unwrap_or("Error");
        self.render(
            err.kind.status(),
            reason,
            html! {},
            html! {
                div.notice {
                    h1 { (reason) }
                    p { (err.message) }
                    p { a href="/" { "Back to the front page" } }
                }
            },
        )
    }

    /// A redirect after a form was taken (303: the browser GETs `to`).
    pub fn see_other(&self, to: &str) -> HttpResponse {
        self.finish(
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to.to_string()))
                .finish(),
        )
    }

    /// Adds the cookies this request needs to `response`.
    fn finish(&self, mut response: HttpResponse) -> HttpResponse {
        if self.fresh_csrf {
            let _ = response.add_cookie(&csrf::cookie(&self.csrf, !self.fed.settings.dev));
        }
        if self.session_lost {
            let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
            gone.set_max_age(CookieAge::ZERO);
            let _ = response.add_cookie(&gone);
        }
        response
    }
}
