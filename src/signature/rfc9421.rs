//! RFC 9421 HTTP Message Signatures on incoming requests: reading
//! `Signature-Input` and `Signature`, building the signature base (§2.5) and
//! pre-checking a signature before its key is fetched.

use chrono::{DateTime, Utc};

use super::keys::Algorithm;
use super::sfv::{self, BareItem, InnerList, Item, Member, param};
use super::{
    PendingSignature, Request, SignatureError, SignatureScheme, check_window, parse_http_date,
    timestamp,
};

/// Parses the request's RFC 9421 signatures and returns the first label
/// (in `Signature-Input` order) that passes the pre-checks; when none does,
/// the first label's error.
pub(crate) fn parse(
    req: &Request<'_>,
    now: DateTime<Utc>,
) -> Result<PendingSignature, SignatureError> {
    let dictionary = |name: &str| {
        let value = req
            .headers
            .get(name)
            .ok_or_else(|| SignatureError::Malformed(format!("the {name} header is missing")))?;
        sfv::parse_dictionary(value).map_err(|_| {
            SignatureError::Malformed(format!("{name} is not a structured dictionary"))
        })
    };
    let inputs = dictionary("signature-input")?;
    let signatures = dictionary("signature")?;
    let mut first_error = None;
    for (label, input) in &inputs {
        match candidate(label, input, &signatures, req, now) {
            Ok(pending) => return Ok(pending),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| SignatureError::Malformed("signature-input is empty".into())))
}

/// Pre-checks the signature under `label`.
fn candidate(
    label: &str,
    input: &Member,
    signatures: &[(String, Member)],
    req: &Request<'_>,
    now: DateTime<Utc>,
) -> Result<PendingSignature, SignatureError> {
    let malformed = |what: &str| SignatureError::Malformed(what.to_owned());
    let Member::InnerList(list) = input else {
        return Err(malformed("a signature-input member is not an inner list"));
    };
    let signature = match signatures.iter().find(|(l, _)| l == label) {
        Some((
            _,
            Member::Item(Item {
                bare: BareItem::Bytes(bytes),
                ..
            }),
        )) => bytes.clone(),
        Some(_) => return Err(malformed("a signature is not a byte sequence")),
        None => return Err(malformed("a signature-input label has no signature")),
    };
    let key_id = match param(&list.params, "keyid") {
        Some(BareItem::String(key_id)) => key_id.clone(),
        _ => return Err(malformed("keyid is missing")),
    };
    let algorithm = match param(&list.params, "alg") {
        None => None,
        Some(BareItem::String(alg)) => Some(match alg.as_str() {
            "rsa-v1_5-sha256" => Algorithm::RsaV15Sha256,
            "rsa-pss-sha512" => Algorithm::RsaPssSha512,
            "ed25519" => Algorithm::Ed25519,
            _ => {
                return Err(SignatureError::Unsupported(
                    "alg (only rsa-v1_5-sha256, rsa-pss-sha512 and ed25519)".into(),
                ));
            }
        }),
        Some(_) => return Err(malformed("alg is not a string")),
    };
    let time = |name: &str| match param(&list.params, name) {
        None => Ok(None),
        Some(BareItem::Integer(secs)) => timestamp(*secs).map(Some),
        Some(_) => Err(SignatureError::Malformed(format!(
            "{name} is not an integer"
        ))),
    };

    let covered = covered_components(list)?;
    let base = signature_base(req, list)?;
    // What makes a signature bind to this request, not just to its body.
    if !covered.contains(&"@method") {
        return Err(malformed("@method must be covered"));
    }
    if !covered.contains(&"@target-uri") && !covered.contains(&"@path") {
        return Err(malformed("@target-uri or @path must be covered"));
    }
    let created = match time("created")? {
        Some(created) => created,
        None if covered.contains(&"date") => parse_http_date(req.header("date")?)?,
        None => return Err(malformed("neither created nor date is signed")),
    };
    check_window(created, time("expires")?, now)?;
    req.check_body(|name| covered.contains(&name))?;
    Ok(PendingSignature {
        scheme: SignatureScheme::Rfc9421,
        key_id,
        algorithm,
        bases: vec![base],
        signature,
    })
}

/// The covered component names, which must be strings, without parameters
/// (`;sf`, `;key`, `;bs`, `;req`, `;tr`, `;name` are not implemented), and
/// each listed once.
fn covered_components(list: &InnerList) -> Result<Vec<&str>, SignatureError> {
    let mut names = Vec::with_capacity(list.items.len());
    for item in &list.items {
        let BareItem::String(name) = &item.bare else {
            return Err(SignatureError::Malformed(
                "a covered component is not a string".into(),
            ));
        };
        if !item.params.is_empty() {
            return Err(SignatureError::Unsupported("component parameters".into()));
        }
        if names.contains(&name.as_str()) {
            return Err(SignatureError::Malformed(
                "a component is covered twice".into(),
            ));
        }
        names.push(name.as_str());
    }
    Ok(names)
}

/// Builds the signature base (RFC 9421 §2.5): one `"name": value` line per
/// covered component, then the `"@signature-params"` line.
pub(crate) fn signature_base(
    req: &Request<'_>,
    list: &InnerList,
) -> Result<Vec<u8>, SignatureError> {
    let mut base = String::new();
    for name in covered_components(list)? {
        let value = component_value(req, name)?;
        if value.contains(['\r', '\n']) {
            return Err(SignatureError::Malformed(
                "a covered value spans lines".into(),
            ));
        }
        base.push_str(&sfv::serialize_bare(&BareItem::String(name.to_owned())));
        base.push_str(": ");
        base.push_str(&value);
        base.push('\n');
    }
    base.push_str("\"@signature-params\": ");
    base.push_str(&sfv::serialize_inner_list(list));
    Ok(base.into_bytes())
}

/// The value of one covered component of a request (RFC 9421 §2.1, §2.2).
fn component_value(req: &Request<'_>, name: &str) -> Result<String, SignatureError> {
    let (path, query) = match req.path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (req.path_and_query, None),
    };
    Ok(match name {
        "@method" => req.method.to_owned(),
        "@target-uri" => format!(
            "{}://{}{}",
            req.scheme.to_ascii_lowercase(),
            authority(req)?,
            req.path_and_query
        ),
        "@authority" => authority(req)?,
        "@scheme" => req.scheme.to_ascii_lowercase(),
        "@request-target" => req.path_and_query.to_owned(),
        "@path" if path.is_empty() => "/".to_owned(),
        "@path" => path.to_owned(),
        "@query" => format!("?{}", query.unwrap_or_default()),
        _ if name.starts_with('@') => {
            return Err(SignatureError::Unsupported(format!(
                "derived component {name}"
            )));
        }
        field => req.header(&field.to_ascii_lowercase())?.to_owned(),
    })
}

/// `@authority`: the `host` header, lower-cased, without the default port.
fn authority(req: &Request<'_>) -> Result<String, SignatureError> {
    let host = req.header("host")?.to_ascii_lowercase();
    let default_port = match req.scheme.to_ascii_lowercase().as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return Ok(host),
    };
    Ok(match host.strip_suffix(default_port) {
        Some(bare) => bare.to_owned(),
        None => host,
    })
}

#[cfg(test)]
#[path = "rfc9421_test_signer.rs"]
mod test_signer;
#[cfg(test)]
#[path = "rfc9421_tests.rs"]
mod tests;
#[cfg(test)]
#[path = "rfc9421_vectors.rs"]
mod vectors;
