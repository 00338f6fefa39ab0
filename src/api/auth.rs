//! Authentication extractors: the bearer token and the signed-in person.

use crate::{
    db::person::PersonRow, error::AppError, federation::context::Federation, services::account,
};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use std::{future::Future, pin::Pin};

/// The raw bearer token of the request (401 when missing).
pub struct BearerToken(pub String);

impl FromRequest for BearerToken {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(bearer(req).map(BearerToken))
    }
}

/// The person the bearer token belongs to (401 when missing or unknown).
pub struct SignedIn(pub PersonRow);

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<Federation>>().cloned();
        Box::pin(async move {
            let token = token?;
            let state = state.ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            account::authenticate(&state, &token).await.map(SignedIn)
        })
    }
}

/// The signed-in person when a token is given, `None` otherwise.
pub struct MaybeSignedIn(pub Option<PersonRow>);

impl FromRequest for MaybeSignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let has_token = req
            .headers()
            .contains_key(actix_web::http::header::AUTHORIZATION);
        let signed_in = SignedIn::from_request(req, payload);
        Box::pin(async move {
            if has_token {
                Ok(MaybeSignedIn(Some(signed_in.await?.0)))
            } else {
                Ok(MaybeSignedIn(None))
            }
        })
    }
}

fn bearer(req: &HttpRequest) -> Result<String, AppError> {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::unauthorized("a bearer token is required"))
}
