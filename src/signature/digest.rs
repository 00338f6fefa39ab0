//! Body digests: draft-cavage's `Digest` header (RFC 3230) and RFC 9530's
//! `Content-Digest`, made for outgoing requests and checked on incoming ones.

use std::collections::BTreeMap;

use aws_lc_rs::digest::{SHA256, SHA512, digest};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

use super::SignatureError;
use super::sfv::{self, BareItem, Member};

/// The `Digest` header value for `body`: `SHA-256=<base64>`.
pub(crate) fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", STANDARD.encode(digest(&SHA256, body)))
}

/// The `Content-Digest` header value for `body`: `sha-256=:<base64>:`.
#[cfg(test)]
pub(crate) fn content_digest_header(body: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(digest(&SHA256, body)))
}

/// Checks the body digests a request signed. At least one of `digest` and
/// `content-digest` must be covered (per `covered`), and every covered one
/// must match the body.
pub(crate) fn check_covered(
    covered: impl Fn(&str) -> bool,
    headers: &BTreeMap<String, String>,
    body: &[u8],
) -> Result<(), SignatureError> {
    let mut checked = false;
    for (name, check) in [
        (
            "digest",
            check_digest as fn(&str, &[u8]) -> Result<(), SignatureError>,
        ),
        ("content-digest", check_content_digest),
    ] {
        if covered(name) {
            let value = headers.get(name).ok_or_else(|| {
                SignatureError::Malformed(format!("signed header {name} is missing"))
            })?;
            check(value, body)?;
            checked = true;
        }
    }
    if checked {
        Ok(())
    } else {
        Err(SignatureError::Malformed(
            "a request with a body must sign a digest of it".into(),
        ))
    }
}

/// Checks a `Digest` header (`SHA-256=…`, any case, several allowed): at
/// least one SHA-256 or SHA-512 digest must match; other algorithms are ignored.
pub(crate) fn check_digest(value: &str, body: &[u8]) -> Result<(), SignatureError> {
    let mut known = false;
    for part in value.split(',') {
        let Some((alg, b64)) = part.trim().split_once('=') else {
            continue;
        };
        let Some(expected) = compute(&alg.to_ascii_lowercase(), body) else {
            continue;
        };
        known = true;
        let sent = STANDARD_NO_PAD.decode(b64.trim().trim_end_matches('='));
        if sent.is_ok_and(|sent| sent == expected) {
            return Ok(());
        }
    }
    if known {
        Err(SignatureError::DigestMismatch)
    } else {
        Err(SignatureError::Unsupported("digest algorithm".into()))
    }
}

/// Checks a `Content-Digest` header (`sha-256=:…:`, `sha-512=:…:`): at least
/// one of those must match; other algorithms are ignored.
pub(crate) fn check_content_digest(value: &str, body: &[u8]) -> Result<(), SignatureError> {
    let dict = sfv::parse_dictionary(value)
        .map_err(|_| SignatureError::Malformed("content-digest is not a dictionary".into()))?;
    let mut known = false;
    for (alg, member) in dict {
        let Some(expected) = compute(&alg, body) else {
            continue;
        };
        known = true;
        if let Member::Item(item) = member
            && item.bare == BareItem::Bytes(expected)
        {
            return Ok(());
        }
    }
    if known {
        Err(SignatureError::DigestMismatch)
    } else {
        Err(SignatureError::Unsupported(
            "content-digest algorithm".into(),
        ))
    }
}

/// The digest of `body` under a lower-case algorithm name we know.
fn compute(alg: &str, body: &[u8]) -> Option<Vec<u8>> {
    let alg = match alg {
        "sha-256" => &SHA256,
        "sha-512" => &SHA512,
        _ => return None,
    };
    Some(digest(alg, body).as_ref().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"hello": "world"}"#;
    /// RFC 9421 appendix B.2's `Content-Digest` of its test request body.
    const RFC_SHA512: &str = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";

    #[test]
    fn digest_header_in_any_case_and_among_others() {
        let ours = digest_header(BODY);
        assert_eq!(ours, "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
        assert!(check_digest(&ours, BODY).is_ok());
        assert!(check_digest(&ours.replace("SHA-256", "sha-256"), BODY).is_ok());
        let several = format!("MD5=abc, {ours}, UNIXsum=30");
        assert!(check_digest(&several, BODY).is_ok());
        assert!(matches!(
            check_digest(&ours, b"other"),
            Err(SignatureError::DigestMismatch)
        ));
        assert!(matches!(
            check_digest("MD5=abc", BODY),
            Err(SignatureError::Unsupported(_))
        ));
        assert!(matches!(
            check_digest("SHA-256=!!", BODY),
            Err(SignatureError::DigestMismatch)
        ));
    }

    #[test]
    fn content_digest_sha256_and_the_rfc_sha512() {
        assert!(check_content_digest(RFC_SHA512, BODY).is_ok());
        assert!(check_content_digest(&content_digest_header(BODY), BODY).is_ok());
        let both = format!("md5=:AAAA:, {}", content_digest_header(BODY));
        assert!(check_content_digest(&both, BODY).is_ok());
        assert!(matches!(
            check_content_digest(RFC_SHA512, b"{}"),
            Err(SignatureError::DigestMismatch)
        ));
        assert!(matches!(
            check_content_digest("SHA-256=abc", BODY),
            Err(SignatureError::Malformed(_))
        ));
    }

    #[test]
    fn a_body_digest_must_be_covered() {
        let headers = BTreeMap::from([("digest".to_owned(), digest_header(BODY))]);
        assert!(check_covered(|h| h == "digest", &headers, BODY).is_ok());
        assert!(matches!(
            check_covered(|_| false, &headers, BODY),
            Err(SignatureError::Malformed(_))
        ));
        assert!(matches!(
            check_covered(|h| h == "content-digest", &headers, BODY),
            Err(SignatureError::Malformed(_))
        ));
    }
}
