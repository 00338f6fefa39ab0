//! draft-cavage HTTP signatures: signing our requests the way Mastodon does,
//! and parsing the `Signature` headers of Mastodon, Lemmy, Pleroma and others.

use std::collections::BTreeMap;

use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};

use super::keys::{Algorithm, SigningKey};
use super::{
    PendingSignature, Request, SignatureError, SignatureScheme, check_window, digest,
    format_http_date, parse_http_date, timestamp,
};

/// Headers to add to an outgoing request, signed now (draft-cavage,
/// RSA-SHA256, `algorithm="rsa-sha256"`): `host` (from the URL, with the port
/// when not the default), `date`, for a body (or a POST) `digest:
/// SHA-256=<base64>`, and `signature`. Signed: `(request-target) host date
/// digest` with a body, else `(request-target) host date`. Send the `host`
/// header exactly as returned; `content-type` and `accept` are the caller's.
pub fn sign_request(
    method: &str,
    url: &url::Url,
    body: Option<&[u8]>,
    key: &SigningKey,
) -> anyhow::Result<Vec<(String, String)>> {
    sign_request_at(method, url, body, key, Utc::now())
}

/// [`sign_request`] with the `date` set to `now` (for tests and retries).
pub fn sign_request_at(
    method: &str,
    url: &url::Url,
    body: Option<&[u8]>,
    key: &SigningKey,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(String, String)>> {
    let body = body.or_else(|| method.eq_ignore_ascii_case("POST").then_some(&[][..]));
    let order: &[&str] = if body.is_some() {
        &["(request-target)", "host", "date", "digest"]
    } else {
        &["(request-target)", "host", "date"]
    };
    sign_in_order(method, url, body, key, now, order)
}

/// Signs the headers named in `order`, in that order.
pub(crate) fn sign_in_order(
    method: &str,
    url: &url::Url,
    body: Option<&[u8]>,
    key: &SigningKey,
    now: DateTime<Utc>,
    order: &[&str],
) -> anyhow::Result<Vec<(String, String)>> {
    let host = url.host_str().context("the URL has no host")?;
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let mut headers = vec![
        ("host".to_owned(), host),
        ("date".to_owned(), format_http_date(now)),
    ];
    if let Some(body) = body {
        headers.push(("digest".to_owned(), digest::digest_header(body)));
    }
    let lines = order
        .iter()
        .map(|&name| match name {
            "(request-target)" => Ok(format!("{name}: {} {target}", method.to_ascii_lowercase())),
            _ => headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, value)| format!("{name}: {value}"))
                .with_context(|| format!("cannot sign header {name}")),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let signature = STANDARD.encode(key.sign_rsa_sha256(lines.join("\n").as_bytes())?);
    let value = format!(
        r#"keyId="{}",algorithm="rsa-sha256",headers="{}",signature="{signature}""#,
        key.key_id(),
        order.join(" ")
    );
    headers.push(("signature".to_owned(), value));
    Ok(headers)
}

/// The cavage signature of a request: the `signature` header, or an
/// `authorization: Signature …` header (older peers).
pub(crate) fn signature_header(headers: &BTreeMap<String, String>) -> Option<&str> {
    headers.get("signature").map(String::as_str).or_else(|| {
        headers
            .get("authorization")
            .and_then(|v| v.trim().strip_prefix("Signature "))
    })
}

/// Parses and pre-checks a cavage `Signature` header value.
pub(crate) fn parse(
    value: &str,
    req: &Request<'_>,
    now: DateTime<Utc>,
) -> Result<PendingSignature, SignatureError> {
    let malformed = |what: &str| SignatureError::Malformed(what.to_owned());
    let params = parse_params(value)
        .ok_or_else(|| malformed("the signature header is not a list of key=\"value\" pairs"))?;
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let key_id = get("keyId").ok_or_else(|| malformed("keyId is missing"))?;
    let signature = get("signature").ok_or_else(|| malformed("the signature is missing"))?;
    let signature = STANDARD
        .decode(signature)
        .map_err(|_| malformed("the signature is not base64"))?;
    let algorithm = match get("algorithm").map(str::to_ascii_lowercase).as_deref() {
        None | Some("hs2019") => None,
        Some("rsa-sha256") => Some(Algorithm::RsaV15Sha256),
        Some(_) => {
            return Err(SignatureError::Unsupported(
                "algorithm (only rsa-sha256 and hs2019)".into(),
            ));
        }
    };
    let covered: Vec<String> = get("headers")
        .unwrap_or("date")
        .split_ascii_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let has = |name: &str| covered.iter().any(|c| c == name);
    for required in ["(request-target)", "host"] {
        if !has(required) {
            return Err(SignatureError::Malformed(format!(
                "{required} must be signed"
            )));
        }
    }
    let number = |name: &str| -> Result<i64, SignatureError> {
        let value =
            get(name).ok_or_else(|| SignatureError::Malformed(format!("{name} is missing")))?;
        value
            .parse()
            .map_err(|_| SignatureError::Malformed(format!("{name} is not an integer")))
    };

    let created = if has("(created)") {
        timestamp(number("created")?)?
    } else if has("date") {
        parse_http_date(req.header("date")?)?
    } else {
        return Err(malformed("date or (created) must be signed"));
    };
    let expires = if has("(expires)") {
        Some(timestamp(number("expires")?)?)
    } else {
        None
    };
    check_window(created, expires, now)?;
    req.check_body(has)?;

    let build = |target: &str| -> Result<Vec<u8>, SignatureError> {
        let lines = covered
            .iter()
            .map(|name| {
                let value = match name.as_str() {
                    "(request-target)" => format!("{} {target}", req.method.to_ascii_lowercase()),
                    "(created)" => number("created")?.to_string(),
                    "(expires)" => number("expires")?.to_string(),
                    header => req.header(header)?.to_owned(),
                };
                Ok(format!("{name}: {value}"))
            })
            .collect::<Result<Vec<_>, SignatureError>>()?;
        Ok(lines.join("\n").into_bytes())
    };
    let mut bases = vec![build(req.path_and_query)?];
    if let Some((path, _)) = req.path_and_query.split_once('?') {
        // Mastodon before 4.3 left the query out of (request-target).
        bases.push(build(path)?);
    }
    Ok(PendingSignature {
        scheme: SignatureScheme::Cavage,
        key_id: key_id.to_owned(),
        algorithm,
        bases,
        signature,
    })
}

/// Splits `a="x",b=1` into pairs; `None` when it is not such a list.
fn parse_params(value: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim();
        if key.is_empty() || key.contains([',', ' ', '"']) {
            return None;
        }
        let after = after.trim_start();
        let (value, after) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                match chars.next()? {
                    (i, '"') => break i,
                    (_, '\\') => value.push(chars.next()?.1),
                    (_, c) => value.push(c),
                }
            };
            (value, quoted.get(end + 1..)?)
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after.get(..end)?.trim().to_owned(), after.get(end..)?)
        };
        out.push((key.to_owned(), value));
        let after = after.trim_start();
        rest = match after.strip_prefix(',') {
            Some(next) => next.trim_start(),
            None if after.is_empty() => after,
            None => return None,
        };
    }
    Some(out)
}

#[cfg(test)]
#[path = "cavage_compat_tests.rs"]
mod compat_tests;
#[cfg(test)]
#[path = "cavage_tests.rs"]
mod tests;
