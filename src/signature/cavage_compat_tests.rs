//! Tests of cavage compatibility with peers: hs2019 `(created)`/`(expires)`,
//! Mastodon-shaped signed GETs, `Authorization: Signature`, header quoting.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::TimeDelta;

use super::tests::*;
use super::*;
use crate::signature::{parse_request_signature, test_support::*};

#[test]
fn hs2019_created_and_expires() {
    let digest = digest::digest_header(BODY);
    let headers = header_map([("host", "b.example".to_owned()), ("digest", digest.clone())]);
    let check = |created: i64, expires: i64, with_created: bool| {
        let lines = [
            "(request-target): post /inbox".to_owned(),
            format!("(created): {created}"),
            format!("(expires): {expires}"),
            "host: b.example".to_owned(),
            format!("digest: {digest}"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let created = if with_created {
            format!("created={created},")
        } else {
            String::new()
        };
        let params = format!(
            r#"keyId="{KEY_ID}",algorithm="hs2019",{created}expires={expires},headers="(request-target) (created) (expires) host digest""#
        );
        let mut headers = headers.clone();
        headers.insert("signature".into(), hand_signed(&params, &lines));
        check_post(&headers, BODY)
    };
    let at = |minutes: i64| (now() + TimeDelta::minutes(minutes)).timestamp();
    check(at(-10), at(5), true).unwrap();
    check(at(-180), at(-30), true).unwrap();
    assert!(matches!(
        check(at(-180), at(-61), true),
        Err(SignatureError::Expired)
    ));
    assert!(matches!(
        check(at(-10), at(5), false),
        Err(SignatureError::Malformed(_))
    ));
}

#[test]
fn mastodon_shaped_signed_get() {
    // Mastodon signs every header it sets but User-Agent and Accept-Encoding.
    let date = format_http_date(now());
    let accept = "application/activity+json, application/ld+json";
    let lines = [
        "(request-target): get /users/bob/outbox?page=true",
        "host: b.example",
        &format!("date: {date}"),
        &format!("accept: {accept}"),
    ];
    let params = format!(
        r#"keyId="{KEY_ID}",algorithm="rsa-sha256",headers="(request-target) host date accept""#
    );
    let mut headers = header_map([
        ("host", "b.example"),
        ("date", date.as_str()),
        ("accept", accept),
        ("user-agent", "Mastodon/4.3.0"),
    ]);
    headers.insert("signature".into(), hand_signed(&params, &lines));
    let pending = parse_request_signature(
        "GET",
        "/users/bob/outbox?page=true",
        &headers,
        None,
        now(),
        "https",
    )
    .unwrap();
    pending.verify(KEY_A_PUBLIC).unwrap();

    // Mastodon before 4.3 signed the path without its query.
    let mut old = lines;
    old[0] = "(request-target): get /users/bob/outbox";
    headers.insert("signature".into(), hand_signed(&params, &old));
    let pending = parse_request_signature(
        "GET",
        "/users/bob/outbox?page=true",
        &headers,
        None,
        now(),
        "https",
    )
    .unwrap();
    pending.verify(KEY_A_PUBLIC).unwrap();

    // The same signature in an `Authorization` header.
    let value = headers.remove("signature").unwrap();
    headers.insert("authorization".into(), format!("Signature {value}"));
    let pending = parse_request_signature(
        "GET",
        "/users/bob/outbox?page=true",
        &headers,
        None,
        now(),
        "https",
    )
    .unwrap();
    pending.verify(KEY_A_PUBLIC).unwrap();
}

#[test]
fn quoted_values_and_spaces() {
    let parsed = parse_params(r#" keyId = "a\"b" , created=12,x="" "#).unwrap();
    assert_eq!(
        parsed,
        vec![
            ("keyId".into(), "a\"b".into()),
            ("created".into(), "12".into()),
            ("x".into(), String::new())
        ]
    );
    assert!(parse_params(r#"a="x" b="y""#).is_none());
}

#[test]
fn hs2019_with_an_ed25519_key() {
    let date = format_http_date(now());
    let lines = [
        "(request-target): get /users/bob",
        "host: b.example",
        &format!("date: {date}"),
    ];
    let signature = STANDARD.encode(ed25519(lines.join("\n").as_bytes()));
    let value = format!(
        r#"keyId="{KEY_ID}",algorithm="hs2019",headers="(request-target) host date",signature="{signature}""#
    );
    let headers = header_map([
        ("host", "b.example"),
        ("date", &date),
        ("signature", &value),
    ]);
    let pending = parse_request_signature("GET", "/users/bob", &headers, None, now(), "https");
    let pending = pending.unwrap();
    pending.verify(RFC_ED25519_PUBLIC).unwrap();
    assert!(matches!(
        pending.verify(KEY_A_PUBLIC),
        Err(SignatureError::Invalid)
    ));
}
