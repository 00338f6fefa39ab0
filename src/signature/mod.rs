//! HTTP signatures for federation, on `aws-lc-rs` and free of any HTTP crate:
//! signing our requests (draft-cavage, as Mastodon expects), and checking
//! incoming draft-cavage and RFC 9421 (HTTP Message Signatures) signatures.
//!
//! Checking is two steps: [`parse_request_signature`] parses and pre-checks
//! (time window, body digest, what must be signed) and names the key; the
//! caller fetches that key and calls [`PendingSignature::verify`].

mod cavage;
mod digest;
mod generate;
mod keys;
mod rfc9421;
mod sfv;
#[cfg(test)]
mod test_support;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

pub use cavage::{sign_request, sign_request_at};
pub use generate::{KeyPair, generate_key_pair, generate_key_pair_async};
pub use keys::SigningKey;
use keys::{Algorithm, PublicKey};

/// How far ahead of our clock a signature may be dated (Mastodon's margin).
const CLOCK_SKEW: TimeDelta = TimeDelta::hours(1);
/// How long a signature without `expires` stays valid (plus [`CLOCK_SKEW`]).
const DEFAULT_VALIDITY: TimeDelta = TimeDelta::minutes(5);
/// The longest validity an `expires` parameter can claim.
const MAX_VALIDITY: TimeDelta = TimeDelta::hours(12);

/// Which signature scheme a request used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureScheme {
    /// draft-cavage-http-signatures (`Signature: keyId=…,signature=…`).
    Cavage,
    /// RFC 9421 HTTP Message Signatures (`Signature-Input` + `Signature`).
    Rfc9421,
}

/// Why a request's signature was refused. Messages name no header values,
/// so they are safe to send back to the peer.
#[derive(Debug)]
pub enum SignatureError {
    /// The request carries no signature.
    Missing,
    /// The signature, a signed header or the key cannot be parsed or lacks
    /// something it must have.
    Malformed(String),
    /// The signature is too old or dated too far in the future.
    Expired,
    /// The body does not match its signed digest.
    DigestMismatch,
    /// The signature does not match the key.
    Invalid,
    /// An algorithm or feature we do not implement.
    Unsupported(String),
}

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignatureError::Missing => f.write_str("the request is not signed"),
            SignatureError::Malformed(what) => write!(f, "malformed signature: {what}"),
            SignatureError::Expired => {
                f.write_str("the signature has expired or is dated in the future")
            }
            SignatureError::DigestMismatch => {
                f.write_str("the body does not match its signed digest")
            }
            SignatureError::Invalid => f.write_str("the signature does not verify"),
            SignatureError::Unsupported(what) => write!(f, "unsupported signature: {what}"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// A request's signature, parsed but not yet checked (we need its key id to
/// fetch the signer's public key first).
#[derive(Debug)]
pub struct PendingSignature {
    scheme: SignatureScheme,
    key_id: String,
    /// The algorithm the signature names; `None` lets the key type decide.
    algorithm: Option<Algorithm>,
    /// The signed bytes; more than one when a peer's bug makes two readings
    /// plausible (cavage `(request-target)` without the query).
    bases: Vec<Vec<u8>>,
    signature: Vec<u8>,
}

impl PendingSignature {
    /// The signer's key id (URL), e.g. `https://a.example/users/x#main-key`
    /// or `https://a.example/users/x/main-key`.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Which scheme was used.
    pub fn scheme(&self) -> SignatureScheme {
        self.scheme
    }

    /// Checks the signature with the signer's public key (SPKI PEM "BEGIN
    /// PUBLIC KEY", RSA or Ed25519; or PKCS#1 "BEGIN RSA PUBLIC KEY").
    /// RSA keys must have 2048 to 8192 bits.
    pub fn verify(&self, public_key_pem: &str) -> Result<(), SignatureError> {
        let key = PublicKey::from_pem(public_key_pem)?;
        let defaults = key.default_algorithms(self.scheme == SignatureScheme::Rfc9421);
        let algorithms = self
            .algorithm
            .as_ref()
            .map_or(defaults, std::slice::from_ref);
        let verified = algorithms.iter().any(|&alg| {
            self.bases
                .iter()
                .any(|base| key.verify(alg, base, &self.signature))
        });
        if verified {
            Ok(())
        } else {
            Err(SignatureError::Invalid)
        }
    }
}

/// What the checks need to know about an incoming request.
pub(crate) struct Request<'a> {
    method: &'a str,
    scheme: &'a str,
    path_and_query: &'a str,
    headers: &'a BTreeMap<String, String>,
    body: Option<&'a [u8]>,
}

impl Request<'_> {
    /// The header's value, or `Malformed` naming the missing header.
    fn header(&self, name: &str) -> Result<&str, SignatureError> {
        self.headers
            .get(name)
            .map(|v| v.trim())
            .ok_or_else(|| SignatureError::Malformed(format!("signed header {name} is missing")))
    }

    /// A POST, or any request with a body, must sign a digest of its body.
    fn check_body(&self, covered: impl Fn(&str) -> bool) -> Result<(), SignatureError> {
        let body = self.body.unwrap_or_default();
        if self.method.eq_ignore_ascii_case("POST") || !body.is_empty() {
            digest::check_covered(covered, self.headers, body)?;
        }
        Ok(())
    }
}

/// Parses and pre-checks the signature of an incoming request: `method`,
/// `path_and_query` as received (e.g. `/inbox?x=1`), the header map with
/// lower-case names (several values joined with ", "; include `host`), the
/// body for POSTs, the current time, and the `scheme` the request came in
/// on (`"https"` or `"http"`, as the client used it, so behind a TLS proxy
/// `"https"`): RFC 9421's `@scheme`, `@target-uri` and `@authority` need it.
///
/// RFC 9421 is used when `signature-input` is present, draft-cavage when only
/// `signature` (or `authorization: Signature …`) is. Pre-checks: a POST must
/// sign a `digest` or `content-digest` that matches the body; the signature's
/// date (`created`, else the signed `date`) must lie between 65 minutes ago
/// (or `expires` plus one hour) and one hour ahead; cavage must sign
/// `(request-target)` and `host`.
pub fn parse_request_signature(
    method: &str,
    path_and_query: &str,
    headers: &BTreeMap<String, String>,
    body: Option<&[u8]>,
    now: DateTime<Utc>,
    scheme: &str,
) -> Result<PendingSignature, SignatureError> {
    let request = Request {
        method,
        scheme,
        path_and_query,
        headers,
        body,
    };
    if headers.contains_key("signature-input") {
        rfc9421::parse(&request, now)
    } else if let Some(value) = cavage::signature_header(headers) {
        cavage::parse(value, &request, now)
    } else {
        Err(SignatureError::Missing)
    }
}

/// Checks a signature's time window the way Mastodon does: no more than
/// [`CLOCK_SKEW`] ahead, and not past `expires` (default: `created` plus
/// [`DEFAULT_VALIDITY`], at most [`MAX_VALIDITY`]) by more than [`CLOCK_SKEW`].
fn check_window(
    created: DateTime<Utc>,
    expires: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    // Dates near the end of chrono's range must not overflow (a panic).
    let plus = |time: DateTime<Utc>, delta| time.checked_add_signed(delta);
    let (Some(default_end), Some(latest_end), Some(ahead)) = (
        plus(created, DEFAULT_VALIDITY),
        plus(created, MAX_VALIDITY),
        plus(now, CLOCK_SKEW),
    ) else {
        return Err(SignatureError::Expired);
    };
    let expires = expires.unwrap_or(default_end).min(latest_end);
    let grace_end = plus(expires, CLOCK_SKEW).unwrap_or(expires);
    if created > ahead || now > grace_end {
        Err(SignatureError::Expired)
    } else {
        Ok(())
    }
}

/// A UNIX time from a signature parameter.
fn timestamp(secs: i64) -> Result<DateTime<Utc>, SignatureError> {
    DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| SignatureError::Malformed("timestamp out of range".into()))
}

/// Parses an HTTP date (`Tue, 20 Apr 2021 02:07:55 GMT`, or RFC 2822).
fn parse_http_date(value: &str) -> Result<DateTime<Utc>, SignatureError> {
    NaiveDateTime::parse_from_str(value.trim(), "%a, %d %b %Y %H:%M:%S GMT")
        .map(|t| t.and_utc())
        .or_else(|_| DateTime::parse_from_rfc2822(value.trim()).map(|t| t.to_utc()))
        .map_err(|_| SignatureError::Malformed("the date header is not an HTTP date".into()))
}

/// Formats an HTTP date (RFC 7231 IMF-fixdate).
fn format_http_date(time: DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        let t = timestamp(1618884475).unwrap();
        assert_eq!(format_http_date(t), "Tue, 20 Apr 2021 02:07:55 GMT");
        assert_eq!(parse_http_date("Tue, 20 Apr 2021 02:07:55 GMT").unwrap(), t);
        assert_eq!(
            parse_http_date("Tue, 20 Apr 2021 04:07:55 +0200").unwrap(),
            t
        );
        assert!(parse_http_date("yesterday").is_err());
    }

    #[test]
    fn time_window() {
        let now = timestamp(1_700_000_000).unwrap();
        let ok = |created: DateTime<Utc>, expires| check_window(created, expires, now).is_ok();
        assert!(ok(now, None));
        assert!(ok(now - TimeDelta::minutes(61), None));
        assert!(ok(now - TimeDelta::minutes(64), None));
        assert!(!ok(now - TimeDelta::minutes(66), None));
        assert!(!ok(now - TimeDelta::hours(2), None));
        assert!(ok(now + TimeDelta::minutes(59), None));
        assert!(!ok(now + TimeDelta::hours(2), None));
        assert!(ok(
            now - TimeDelta::hours(3),
            Some(now - TimeDelta::minutes(30))
        ));
        assert!(!ok(
            now - TimeDelta::hours(3),
            Some(now - TimeDelta::minutes(61))
        ));
        assert!(!ok(
            now - TimeDelta::hours(14),
            Some(now + TimeDelta::hours(1))
        ));
    }

    #[test]
    fn dates_at_the_end_of_time_are_expired_not_a_panic() {
        let now = timestamp(1_700_000_000).unwrap();
        // hs2019 `created=8210266876799` (year 262,000) once overflowed.
        let far = timestamp(8_210_266_876_799).unwrap();
        assert!(matches!(
            check_window(far, None, now),
            Err(SignatureError::Expired)
        ));
        assert!(matches!(
            check_window(
                now,
                Some(DateTime::<Utc>::MAX_UTC),
                DateTime::<Utc>::MAX_UTC
            ),
            Err(SignatureError::Expired)
        ));
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            SignatureError::Missing.to_string(),
            "the request is not signed"
        );
        assert_eq!(
            SignatureError::Malformed("x".into()).to_string(),
            "malformed signature: x"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(SignatureError::Invalid);
        assert_eq!(boxed.to_string(), "the signature does not verify");
    }

    #[test]
    fn unsigned_requests_are_missing() {
        let headers = BTreeMap::from([("host".to_owned(), "h.example".to_owned())]);
        let now = Utc::now();
        let result = parse_request_signature("GET", "/", &headers, None, now, "https");
        assert!(matches!(result, Err(SignatureError::Missing)));
    }
}
