//! CSRF protection for every form on the pages (double submit): each
//! browser holds one random token in the `guildhall_csrf` cookie
//! (`HttpOnly`, `SameSite=Strict`, so another site can neither read nor
//! send it), and every form carries the same token in a hidden `csrf`
//! field. A form is taken only when both are present and equal. The token
//! is minted with the first page a browser sees and reused after that, so
//! forms open in several tabs all stay valid.

use actix_web::{
    HttpRequest,
    cookie::{Cookie, SameSite},
};
use base64::Engine;

/// The CSRF cookie's name.
pub const COOKIE: &str = "guildhall_csrf";

/// The browser's token, and whether it is new (then the response must set
/// the cookie).
pub fn token(req: &HttpRequest) -> (String, bool) {
    match req.cookie(COOKIE) {
        Some(cookie) if cookie.value().len() >= 32 => (cookie.value().to_string(), false),
        _ => {
            let bytes: [u8; 24] = rand::random();
            (
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
                true,
            )
        }
    }
}

/// True when the form's token equals the cookie's (compared as digests,
/// so the time taken says nothing about how much of it matched).
pub fn holds(req: &HttpRequest, submitted: &str) -> bool {
    let digest = |s: &str| aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, s.as_bytes());
    match req.cookie(COOKIE) {
        Some(cookie) if !submitted.is_empty() => {
            digest(cookie.value()).as_ref() == digest(submitted).as_ref()
        }
        _ => false,
    }
}

/// The cookie that carries `token`.
pub fn cookie(token: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .finish()
}
