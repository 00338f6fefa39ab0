//! The inboxes (`POST /inbox`, `/c/{name}/inbox`, `/u/{name}/inbox`,
//! `/actor/inbox`): checks everything that decides whether we take an
//! activity — JSON, a type we know, policy, rate, signature (draft-cavage or
//! RFC 9421), key owner = actor, id on the actor's domain, no script — then
//! stores it and answers 202. Processing happens in the background
//! (`processor`), so a 2xx means the activity is durable.

use super::{
    context::Federation,
    fetch::FetchBudget,
    protocol::activity::{AnyActivity, AnyObject},
    resolve::{self, KnownActor},
    signature::{self, SignatureError},
};
use crate::{
    db,
    error::{AppError, AppResult, ErrorKind},
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
    let activity: AnyActivity = parse(&body)?;
    let actor = activity.actor().clone();
    let host = actor.host_str().unwrap_or_default().to_string();
    if !super::policy::allows(&fed, &host).await? {
        return Err(AppError::forbidden(format!("{host} is not federated with")));
    }
    if !fed.admit(&host) {
        return Err(AppError::new(
            ErrorKind::TooManyRequests,
            format!("too many activities from {host}"),
        ));
    }
    let signer = match verify_signature(&fed, &req, &body).await {
        Ok(signer) => signer,
        // A deleted account can no longer be verified; nothing to keep anyway.
        Err(_) if is_self_delete(&activity) => return Ok(HttpResponse::Accepted().finish()),
        Err(err) => return Err(err),
    };
    if signer.as_str() != actor.as_str() {
        return Err(AppError::unauthorized(
            "the signing key does not belong to the activity's actor",
        ));
    }
    if activity.id().host_str() != actor.host_str() {
        return Err(AppError::forbidden(
            "the activity id is not on its actor's domain",
        ));
    }
    if contains_script(&activity) {
        return Err(AppError::new(
            ErrorKind::Unprocessable,
            "content with scripts is refused",
        ));
    }
    let kind = format!("{:?}", activity.kind());
    let body =
        std::str::from_utf8(&body).map_err(|_| AppError::bad_request("the body is not UTF-8"))?;
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

/// Parses the body: malformed JSON is 400, an unknown type 422.
pub fn parse(body: &[u8]) -> AppResult<AnyActivity> {
    if let Err(err) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return Err(AppError::bad_request(format!("malformed JSON: {err}")));
    }
    serde_json::from_slice(body).map_err(|err| {
        AppError::new(
            ErrorKind::Unprocessable,
            format!("cannot take this activity: {err}"),
        )
    })
}

/// Verifies the request's signature; returns the signing actor's id.
async fn verify_signature(fed: &Federation, req: &HttpRequest, body: &[u8]) -> AppResult<Url> {
    let headers = header_map(req);
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let pending = signature::parse_request_signature(
        req.method().as_str(),
        path,
        &headers,
        Some(body),
        chrono::Utc::now(),
        fed.state.settings.scheme(),
    )
    .map_err(unauthorized)?;
    let key_owner = key_owner(pending.key_id())?;
    let budget = FetchBudget::new(3);
    let signer = resolve::actor(fed, &key_owner, &budget, false)
        .await
        .map_err(|e| AppError::unauthorized(format!("cannot get the signer's key: {e}")))?;
    if pending.verify(signer.public_key()).is_ok() {
        return Ok(signer_id(&signer));
    }
    // The key may have changed since we cached it: fetch the actor again once.
    let signer = resolve::actor(fed, &key_owner, &budget, true)
        .await
        .map_err(|e| AppError::unauthorized(format!("cannot get the signer's key: {e}")))?;
    pending.verify(signer.public_key()).map_err(unauthorized)?;
    Ok(signer_id(&signer))
}

/// Verifies the signature of a GET (authorized fetch); returns the signer.
pub async fn verify_get(fed: &Federation, req: &HttpRequest) -> AppResult<Url> {
    let headers = header_map(req);
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let pending = signature::parse_request_signature(
        "GET",
        path,
        &headers,
        None,
        chrono::Utc::now(),
        fed.state.settings.scheme(),
    )
    .map_err(unauthorized)?;
    let key_owner = key_owner(pending.key_id())?;
    let signer = resolve::actor(fed, &key_owner, &FetchBudget::new(3), false)
        .await
        .map_err(|e| AppError::unauthorized(format!("cannot get the signer's key: {e}")))?;
    pending.verify(signer.public_key()).map_err(unauthorized)?;
    Ok(signer_id(&signer))
}

fn signer_id(signer: &KnownActor) -> Url {
    Url::parse(signer.ap_id()).unwrap_or_else(|_| Url::parse("invalid:").expect("constant URL"))
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

/// Markup no honest server sends: script elements, event-handler
/// attributes, `javascript:` links. (Text that merely mentions them, as a
/// security community's posts will, is fine: it arrives escaped.)
static SCRIPT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"(?i)<\s*script|<[^>]*\son[a-z]+\s*=|<[^>]*(href|src)\s*=\s*["']?\s*javascript:"#,
    )
    .expect("valid regex")
});

/// True when an embedded post carries a script element, handler or link.
fn contains_script(activity: &AnyActivity) -> bool {
    let risky = |text: &Option<String>| text.as_deref().is_some_and(|t| SCRIPT.is_match(t));
    let object = match activity {
        AnyActivity::Create(a) | AnyActivity::Update(a) => Some(&a.object),
        _ => None,
    };
    match object {
        Some(AnyObject::Post(post)) => {
            risky(&post.content) || risky(&post.name) || risky(&post.summary)
        }
        _ => false,
    }
}
