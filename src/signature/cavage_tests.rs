//! Tests of draft-cavage signing and checking, with Mastodon-shaped requests.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::TimeDelta;

use super::*;
use crate::signature::{parse_request_signature, sign_request, test_support::*};

pub(super) const BODY: &[u8] = br#"{"type":"Follow"}"#;

pub(super) fn url(s: &str) -> url::Url {
    url::Url::parse(s).unwrap()
}

/// Signs a POST to `https://b.example/inbox` at `at`, as a header map.
pub(super) fn signed_post(at: DateTime<Utc>) -> BTreeMap<String, String> {
    let headers = sign_request_at(
        "POST",
        &url("https://b.example/inbox"),
        Some(BODY),
        &key_a(),
        at,
    );
    header_map(headers.unwrap())
}

pub(super) fn check_post(
    headers: &BTreeMap<String, String>,
    body: &[u8],
) -> Result<(), SignatureError> {
    parse_request_signature("POST", "/inbox", headers, Some(body), now(), "https")?
        .verify(KEY_A_PUBLIC)
}

/// A `Signature` header signed by hand over `lines` with key A.
pub(super) fn hand_signed(params: &str, lines: &[&str]) -> String {
    let signature = key_a()
        .sign_rsa_sha256(lines.join("\n").as_bytes())
        .unwrap();
    format!(r#"{params},signature="{}""#, STANDARD.encode(signature))
}

#[test]
fn post_round_trip() {
    let headers = signed_post(now());
    assert_eq!(headers["host"], "b.example");
    assert_eq!(headers["date"], "Tue, 14 Nov 2023 22:13:20 GMT");
    assert!(headers["digest"].starts_with("SHA-256="));
    assert!(
        headers["signature"]
            .contains(r#"algorithm="rsa-sha256",headers="(request-target) host date digest""#)
    );
    assert!(!headers.contains_key("content-type"));
    let pending =
        parse_request_signature("POST", "/inbox", &headers, Some(BODY), now(), "https").unwrap();
    assert_eq!(pending.key_id(), KEY_ID);
    assert_eq!(pending.scheme(), SignatureScheme::Cavage);
    pending.verify(KEY_A_PUBLIC).unwrap();
    pending.verify(KEY_A_PKCS1).unwrap();
}

#[test]
fn get_round_trip_with_port_and_query() {
    let headers = sign_request_at(
        "GET",
        &url("http://b.example:8080/u/bob?page=2"),
        None,
        &key_a(),
        now(),
    );
    let headers = header_map(headers.unwrap());
    assert_eq!(headers["host"], "b.example:8080");
    assert!(!headers.contains_key("digest"));
    assert!(headers["signature"].contains(r#"headers="(request-target) host date""#));
    let pending =
        parse_request_signature("GET", "/u/bob?page=2", &headers, None, now(), "http").unwrap();
    pending.verify(KEY_A_PUBLIC).unwrap();
    let moved =
        parse_request_signature("GET", "/u/eve?page=2", &headers, None, now(), "http").unwrap();
    assert!(matches!(
        moved.verify(KEY_A_PUBLIC),
        Err(SignatureError::Invalid)
    ));
}

#[test]
fn sign_request_uses_the_clock() {
    let headers = sign_request("GET", &url("https://b.example/u/bob"), None, &key_a()).unwrap();
    let headers = header_map(headers);
    let pending = parse_request_signature("GET", "/u/bob", &headers, None, Utc::now(), "https");
    pending.unwrap().verify(KEY_A_PUBLIC).unwrap();
}

#[test]
fn headers_signed_in_another_order() {
    let order = ["date", "digest", "host", "(request-target)"];
    let headers = sign_in_order(
        "POST",
        &url("https://b.example/inbox"),
        Some(BODY),
        &key_a(),
        now(),
        &order,
    );
    let headers = header_map(headers.unwrap());
    assert!(headers["signature"].contains(r#"headers="date digest host (request-target)""#));
    check_post(&headers, BODY).unwrap();
}

#[test]
fn wrong_key_changed_body_and_tampered_headers() {
    let headers = signed_post(now());
    let pending =
        parse_request_signature("POST", "/inbox", &headers, Some(BODY), now(), "https").unwrap();
    assert!(matches!(
        pending.verify(KEY_B_PUBLIC),
        Err(SignatureError::Invalid)
    ));
    assert!(matches!(
        pending.verify(RFC_ED25519_PUBLIC),
        Err(SignatureError::Invalid)
    ));
    assert!(matches!(
        check_post(&headers, b"{}"),
        Err(SignatureError::DigestMismatch)
    ));
    let mut other_host = headers.clone();
    other_host.insert("host".into(), "c.example".into());
    assert!(matches!(
        check_post(&other_host, BODY),
        Err(SignatureError::Invalid)
    ));
}

#[test]
fn time_window() {
    assert!(matches!(
        check_post(&signed_post(now() - TimeDelta::hours(2)), BODY),
        Err(SignatureError::Expired)
    ));
    check_post(&signed_post(now() - TimeDelta::minutes(61)), BODY).unwrap();
    check_post(&signed_post(now() + TimeDelta::minutes(59)), BODY).unwrap();
    assert!(matches!(
        check_post(&signed_post(now() + TimeDelta::hours(2)), BODY),
        Err(SignatureError::Expired)
    ));
}

#[test]
fn missing_and_garbage() {
    let mut headers = signed_post(now());
    headers.remove("signature");
    assert!(matches!(
        check_post(&headers, BODY),
        Err(SignatureError::Missing)
    ));
    for garbage in [
        "garbage",
        "keyId=\"unterminated",
        r#"keyId="k",signature="!!!""#,
        r#"keyId="k""#,
        "=x",
    ] {
        headers.insert("signature".into(), garbage.into());
        assert!(
            matches!(
                check_post(&headers, BODY),
                Err(SignatureError::Malformed(_))
            ),
            "{garbage}"
        );
    }
    headers.insert("signature".into(), r#"keyId="k",algorithm="rsa-sha1",headers="(request-target) host date digest",signature="AAAA""#.into());
    assert!(matches!(
        check_post(&headers, BODY),
        Err(SignatureError::Unsupported(_))
    ));
}

#[test]
fn what_must_be_signed() {
    for order in [
        &["host", "date", "digest"][..],
        &["(request-target)", "date", "digest"],
        &["(request-target)", "host", "date"],
        &["(request-target)", "host", "digest"],
    ] {
        let headers = sign_in_order(
            "POST",
            &url("https://b.example/inbox"),
            Some(BODY),
            &key_a(),
            now(),
            order,
        );
        let result = check_post(&header_map(headers.unwrap()), BODY);
        assert!(
            matches!(result, Err(SignatureError::Malformed(_))),
            "{order:?}"
        );
    }
    let mut headers = signed_post(now());
    headers.remove("digest");
    assert!(matches!(
        check_post(&headers, BODY),
        Err(SignatureError::Malformed(_))
    ));
}
