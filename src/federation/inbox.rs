//! The inboxes (`POST /inbox`, `/c/{name}/inbox`, `/u/{name}/inbox`,
//! `/actor/inbox`): checks everything that decides whether we take an
//! activity, then stores it and answers 202. Processing happens in the
//! background (`processor`), so a 2xx means the activity is durable.
//!
//! The checks, in the order the code makes them:
//! 1. the sender's address has not had too many requests refused lately
//!    (429 with `Retry-After`);
//! 2. the body is JSON (400), its objects nest at most
//!    [`MAX_OBJECT_NESTING`] deep, every id and text fits its limit, its
//!    type is one we know and not one we know we cannot handle
//!    (`activities::unsupported`), and the posts it embeds carry at most
//!    16 media attachments, each an `https` reference (`http` in dev mode)
//!    (422);
//! 3. the activity id is on its actor's origin (scheme, host and port);
//! 4. the actor's host is federated with (blocklist with subdomains,
//!    allowlist);
//! 5. the signature (draft-cavage or RFC 9421): signed for our host, a key
//!    id on the actor's host, the key's owner is the actor, and the
//!    document's `publicKey.id` is the key id. An unknown signer's document
//!    is fetched but stored only once the signature verified; a key that
//!    fails is fetched again at most once per few minutes;
//! 6. the host's verified activities are within `inbox_rate_limit` (429).
//!
//! Nothing is written before step 5 passed. Malformed bodies and signatures
//! that do not verify count against the sender's address (step 1).

use super::{
    activities,
    context::Federation,
    fetch::FetchBudget,
    limits,
    resolve::{self, same_origin},
    signer::{self, SignerKey},
};
use crate::{
    db,
    error::{AppError, AppResult, ErrorKind},
    protocol::activity::{AnyActivity, MAX_OBJECT_NESTING, object_nesting},
    signature::{self, SignatureError},
    throttle::client_address,
};
use actix_web::{HttpRequest, HttpResponse, web};
use std::collections::BTreeMap;
use url::Url;

/// `POST` to any of our inboxes.
pub async fn post_inbox(
    req: HttpRequest,
    body: web::Bytes,
    fed: web::Data<Federation>,
) -> AppResult<HttpResponse> {
    let address = client_address(&req, fed.state.settings.trust_forwarded_for);
    if let Some(address) = address
        && let Err(wait) = fed.check_failures(address)
    {
        return Err(too_many(
            "too many refused requests from your address",
            wait,
        ));
    }
    let result = accept(&req, &body, &fed).await;
    // What an attacker sends: bodies that do not parse and signatures that
    // do not verify. (An honest server's activity of a type we do not take
    // is refused too, but must not get its whole instance throttled.)
    if let (Err(err), Some(address)) = (&result, address)
        && matches!(err.kind, ErrorKind::BadRequest | ErrorKind::Unauthorized)
    {
        fed.count_failure(address);
    }
    result
}

async fn accept(req: &HttpRequest, body: &[u8], fed: &Federation) -> AppResult<HttpResponse> {
    let activity: AnyActivity = parse(body)?;
    activities::remote_post::check_media(&activity, fed.state.settings.dev).map_err(|e| {
        AppError::new(
            ErrorKind::Unprocessable,
            format!("cannot take this activity: {e}"),
        )
    })?;
    let actor = activity.actor().clone();
    if !same_origin(activity.id(), &actor) {
        return Err(AppError::forbidden(
            "the activity id is not on its actor's server",
        ));
    }
    let host = actor.host_str().unwrap_or_default().to_string();
    if !super::policy::allows(fed, &host).await? {
        return Err(AppError::forbidden(format!("{host} is not federated with")));
    }
    let self_delete = is_self_delete(&activity);
    let signer = match verify_signature(fed, req, body, &actor, self_delete).await {
        Ok(signer) => signer,
        // A deleted account can no longer be verified; nothing to keep anyway.
        Err(_) if self_delete => return Ok(HttpResponse::Accepted().finish()),
        Err(err) => return Err(err),
    };
    if signer.actor_id != actor {
        return Err(AppError::unauthorized(
            "the signing key does not belong to the activity's actor",
        ));
    }
    if let Err(wait) = fed.admit(&host) {
        return Err(too_many(&format!("too many activities from {host}"), wait));
    }
    if let Some(document) = signer.fetched {
        resolve::remember(fed, document, &FetchBudget::new(2))
            .await
            .map_err(|e| AppError::internal(anyhow::anyhow!("cannot cache the signer: {e}")))?;
    }
    let kind = format!("{:?}", activity.kind());
    let body =
        std::str::from_utf8(body).map_err(|_| AppError::bad_request("the body is not UTF-8"))?;
    let mut conn = fed.state.pool.get().await?;
    db::incoming::insert(
        &mut conn,
        activity.id().as_str(),
        actor.as_str(),
        &kind,
        body,
    )
    .await?;
    Ok(HttpResponse::Accepted().finish())
}

fn too_many(message: &str, wait: std::time::Duration) -> AppError {
    AppError::new(ErrorKind::TooManyRequests, message.to_owned()).retry_after(wait)
}

/// Parses the body: malformed JSON is 400; objects nested deeper than
/// [`MAX_OBJECT_NESTING`], ids or texts over their limits, unknown types
/// and types we know we cannot handle (`activities::unsupported`) are 422.
pub fn parse(body: &[u8]) -> AppResult<AnyActivity> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|err| AppError::bad_request(format!("malformed JSON: {err}")))?;
    if object_nesting(&value) > MAX_OBJECT_NESTING {
        return Err(AppError::new(
            ErrorKind::Unprocessable,
            format!("objects nested more than {MAX_OBJECT_NESTING} deep are refused"),
        ));
    }
    limits::check(&value).map_err(|why| AppError::new(ErrorKind::Unprocessable, why))?;
    let activity = serde_json::from_value(value).map_err(|err| {
        AppError::new(
            ErrorKind::Unprocessable,
            format!("cannot take this activity: {err}"),
        )
    })?;
    match activities::unsupported::reason(&activity) {
        Some(why) => Err(AppError::new(
            ErrorKind::Unprocessable,
            format!("cannot take this activity: {why}"),
        )),
        None => Ok(activity),
    }
}

/// Verifies the request's signature for `actor`; returns the signer's key.
/// An account deleting itself (`self_delete`) is verified with the key we
/// stored for it, however old: its server no longer serves it.
async fn verify_signature(
    fed: &Federation,
    req: &HttpRequest,
    body: &[u8],
    actor: &Url,
    self_delete: bool,
) -> AppResult<SignerKey> {
    let pending = pending_signature(fed, req, "POST", Some(body))?;
    let owner = key_owner(pending.key_id())?;
    if !same_origin(&owner, actor) {
        return Err(AppError::unauthorized(
            "the key id is not on the actor's server",
        ));
    }
    let budget = FetchBudget::new(3);
    let last_known = match self_delete {
        true => signer::last_known_key(fed, &owner).await.ok().flatten(),
        false => None,
    };
    let signer = match last_known {
        Some(key) => key,
        None => signer_key(fed, &owner, &budget, false).await?,
    };
    check_key_id(&signer, pending.key_id())?;
    if pending.verify(&signer.public_key).is_ok() {
        return Ok(signer);
    }
    // The key may have changed since we cached it: fetch the actor again,
    // at most once per few minutes for this key.
    if signer.fetched.is_some() || !fed.may_refresh_key(pending.key_id()) {
        return Err(unauthorized(SignatureError::Invalid));
    }
    let signer = signer_key(fed, &owner, &budget, true).await?;
    check_key_id(&signer, pending.key_id())?;
    pending.verify(&signer.public_key).map_err(unauthorized)?;
    Ok(signer)
}

async fn signer_key(
    fed: &Federation,
    owner: &Url,
    budget: &FetchBudget,
    refresh: bool,
) -> AppResult<SignerKey> {
    signer::signer_key(fed, owner, budget, refresh)
        .await
        .map_err(|e| AppError::unauthorized(format!("cannot get the signer's key: {e}")))
}

/// The actor document's `publicKey.id` must be the key id that signed.
fn check_key_id(signer: &SignerKey, key_id: &str) -> AppResult<()> {
    match &signer.key_id {
        Some(published) if published != key_id => Err(AppError::unauthorized(
            "the key id is not the key its actor publishes",
        )),
        _ => Ok(()),
    }
}

/// Parses the signature of a request to us; it must be signed for our host.
fn pending_signature(
    fed: &Federation,
    req: &HttpRequest,
    method: &str,
    body: Option<&[u8]>,
) -> AppResult<signature::PendingSignature> {
    let headers = header_map(req);
    let domain = &fed.state.settings.domain;
    let host = headers.get("host").map(|h| h.trim()).unwrap_or_default();
    if !same_authority(host, domain, fed.state.settings.scheme()) {
        return Err(AppError::unauthorized(format!(
            "the request is addressed to {host}, not to {domain}"
        )));
    }
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    signature::parse_request_signature(
        method,
        path,
        &headers,
        body,
        chrono::Utc::now(),
        fed.state.settings.scheme(),
    )
    .map_err(unauthorized)
}

/// True when the `Host` header names our domain (a default port may be
/// written or left out).
fn same_authority(host: &str, domain: &str, scheme: &str) -> bool {
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host = host.to_ascii_lowercase();
    let host = host.strip_suffix(default_port).unwrap_or(&host);
    host == domain.to_ascii_lowercase()
}

/// Verifies the signature of a GET (authorized fetch); returns the signer.
/// An unknown signer is fetched and, once the signature verified, cached.
pub async fn verify_get(fed: &Federation, req: &HttpRequest) -> AppResult<Url> {
    let pending = pending_signature(fed, req, "GET", None)?;
    let owner = key_owner(pending.key_id())?;
    let budget = FetchBudget::new(3);
    let signer = signer_key(fed, &owner, &budget, false).await?;
    check_key_id(&signer, pending.key_id())?;
    pending.verify(&signer.public_key).map_err(unauthorized)?;
    if let Some(document) = signer.fetched {
        resolve::remember(fed, document, &budget)
            .await
            .map_err(|e| AppError::internal(anyhow::anyhow!("cannot cache the signer: {e}")))?;
    }
    Ok(signer.actor_id)
}

fn unauthorized(err: SignatureError) -> AppError {
    AppError::unauthorized(format!("signature refused: {err}"))
}

/// The actor a key id belongs to: the URL without its fragment (Mastodon
/// `…#main-key`) or without a trailing `/main-key` (GoToSocial).
fn key_owner(key_id: &str) -> AppResult<Url> {
    let mut url =
        Url::parse(key_id).map_err(|_| AppError::unauthorized("the key id is not a URL"))?;
    url.set_fragment(None);
    if let Some(owner) = url.as_str().strip_suffix("/main-key") {
        return Url::parse(owner).map_err(|_| AppError::unauthorized("the key id is not a URL"));
    }
    Ok(url)
}

fn header_map(req: &HttpRequest) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in req.headers() {
        if let Ok(value) = value.to_str() {
            map.entry(name.as_str().to_ascii_lowercase())
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(value);
                })
                .or_insert_with(|| value.to_string());
        }
    }
    map
}

fn is_self_delete(activity: &AnyActivity) -> bool {
    matches!(activity, AnyActivity::Delete(d) if d.object.0 == d.actor)
}
