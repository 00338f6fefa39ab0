//! Tests of RFC 9421 checking on Fedify-shaped requests signed by the test
//! signer: round trips, digests, time windows, labels and refusals.

use chrono::TimeDelta;

use super::test_signer::*;
use super::*;
use crate::signature::test_support::*;

/// A Fedify-shaped POST to an inbox, not yet signed.
fn fedify_post(body: &[u8]) -> TestRequest {
    let digest = crate::signature::digest::content_digest_header(body);
    let date = crate::signature::format_http_date(now());
    let headers = [
        ("Host", "b.example"),
        ("Date", date.as_str()),
        ("Content-Type", "application/activity+json"),
        ("Content-Digest", digest.as_str()),
    ];
    TestRequest::new("POST", "/users/bob/inbox", &headers, Some(body))
}

const FEDIFY: [&str; 6] = [
    "@method",
    "@target-uri",
    "@authority",
    "host",
    "date",
    "content-digest",
];

fn fedify_params(alg: &str, created: DateTime<Utc>) -> String {
    format!(
        r#";alg="{alg}";keyid="{KEY_ID}";created={}"#,
        created.timestamp()
    )
}

#[test]
fn post_with_content_digest_rsa_v1_5_sha256() {
    let mut req = fedify_post(b"{}");
    req.sign(
        "sig1",
        &FEDIFY,
        &fedify_params("rsa-v1_5-sha256", now()),
        rsa,
    );
    let pending = req.parse(now()).unwrap();
    assert_eq!(pending.scheme(), SignatureScheme::Rfc9421);
    assert_eq!(pending.key_id(), KEY_ID);
    pending.verify(KEY_A_PUBLIC).unwrap();
    assert!(matches!(
        pending.verify(KEY_B_PUBLIC),
        Err(SignatureError::Invalid)
    ));
    assert!(matches!(
        pending.verify(RFC_ED25519_PUBLIC),
        Err(SignatureError::Invalid)
    ));

    req.body = Some(b"{\"x\":1}".to_vec());
    assert!(matches!(
        req.parse(now()),
        Err(SignatureError::DigestMismatch)
    ));
    req.scheme = "http";
    req.body = Some(b"{}".to_vec());
    let moved = req.parse(now()).unwrap();
    assert!(
        matches!(moved.verify(KEY_A_PUBLIC), Err(SignatureError::Invalid)),
        "@target-uri covers the scheme"
    );
}

#[test]
fn post_must_cover_content_digest_and_a_time() {
    let mut req = fedify_post(b"{}");
    req.sign(
        "sig1",
        &FEDIFY[..5],
        &fedify_params("rsa-v1_5-sha256", now()),
        rsa,
    );
    assert!(matches!(
        req.parse(now()),
        Err(SignatureError::Malformed(_))
    ));

    let mut req = fedify_post(b"{}");
    req.sign(
        "sig1",
        &["@method", "@target-uri", "content-digest"],
        &format!(r#";keyid="{KEY_ID}""#),
        rsa,
    );
    assert!(matches!(
        req.parse(now()),
        Err(SignatureError::Malformed(_))
    ));
}

#[test]
fn get_and_post_with_ed25519_and_pss() {
    let components = [
        "@method",
        "@target-uri",
        "@authority",
        "@scheme",
        "@request-target",
        "@path",
        "@query",
        "host",
        "date",
    ];
    let date = crate::signature::format_http_date(now());
    for (alg, signer, public) in [
        (
            "ed25519",
            ed25519 as fn(&[u8]) -> Vec<u8>,
            RFC_ED25519_PUBLIC,
        ),
        (
            "rsa-pss-sha512",
            rsa_pss as fn(&[u8]) -> Vec<u8>,
            KEY_A_PUBLIC,
        ),
    ] {
        let mut get = TestRequest::new(
            "GET",
            "/users/bob?page=1",
            &[("host", "b.example:443"), ("date", date.as_str())],
            None,
        );
        get.sign("sig1", &components, &fedify_params(alg, now()), signer);
        get.parse(now()).unwrap().verify(public).unwrap();

        let mut post = fedify_post(b"{}");
        post.sign(
            "sig1",
            &FEDIFY,
            &format!(r#";keyid="{KEY_ID}";created={}"#, now().timestamp()),
            signer,
        );
        post.parse(now()).unwrap().verify(public).unwrap();
    }
}

#[test]
fn time_window_from_created_expires_or_date() {
    let stale = now() - TimeDelta::hours(2);
    let mut req = fedify_post(b"{}");
    req.sign(
        "sig1",
        &FEDIFY,
        &fedify_params("rsa-v1_5-sha256", stale),
        rsa,
    );
    assert!(matches!(req.parse(now()), Err(SignatureError::Expired)));

    let mut req = fedify_post(b"{}");
    let params = format!(
        r#";keyid="{KEY_ID}";expires={}"#,
        (now() - TimeDelta::hours(2)).timestamp()
    );
    req.sign("sig1", &FEDIFY, &params, rsa);
    assert!(matches!(req.parse(now()), Err(SignatureError::Expired)));

    let mut req = fedify_post(b"{}");
    req.sign("sig1", &FEDIFY, &format!(r#";keyid="{KEY_ID}""#), rsa);
    req.parse(now() + TimeDelta::minutes(61))
        .unwrap()
        .verify(KEY_A_PUBLIC)
        .unwrap();
    assert!(matches!(
        req.parse(now() + TimeDelta::hours(2)),
        Err(SignatureError::Expired)
    ));
    assert!(matches!(
        req.parse(now() - TimeDelta::hours(2)),
        Err(SignatureError::Expired)
    ));
}

#[test]
fn the_first_label_that_passes_is_used() {
    let mut req = fedify_post(b"{}");
    req.sign(
        "old",
        &FEDIFY,
        &fedify_params("rsa-v1_5-sha256", now() - TimeDelta::hours(3)),
        rsa,
    );
    let old_signature = req.headers["signature"].clone();
    req.sign("sig1", &FEDIFY, &fedify_params("ed25519", now()), ed25519);
    let pending = req.parse(now()).unwrap();
    pending.verify(RFC_ED25519_PUBLIC).unwrap();
    req.headers.insert("signature".into(), old_signature);
    assert!(
        matches!(req.parse(now()), Err(SignatureError::Expired)),
        "the first label's error"
    );
}

#[test]
fn unsupported_and_malformed_inputs() {
    let mut req = fedify_post(b"{}");
    req.sign("sig1", &FEDIFY, &fedify_params("hmac-sha256", now()), rsa);
    assert!(matches!(
        req.parse(now()),
        Err(SignatureError::Unsupported(_))
    ));
    for (input, signature) in [
        (
            r#"sig1=("content-digest";sf "@method");keyid="k";created=1"#,
            "sig1=:AAAA:",
        ),
        (
            r#"sig1=("@query-param";name="a" "content-digest");keyid="k";created=1"#,
            "sig1=:AAAA:",
        ),
        (
            r#"sig1=("@status" "content-digest");keyid="k";created=1"#,
            "sig1=:AAAA:",
        ),
    ] {
        req.headers.insert("signature-input".into(), input.into());
        req.headers.insert("signature".into(), signature.into());
        assert!(
            matches!(req.parse(now()), Err(SignatureError::Unsupported(_))),
            "{input}"
        );
    }
    for (input, signature) in [
        ("garbage here", "sig1=:AAAA:"),
        (r#"sig1=("@method");created=1"#, "sig1=:AAAA:"),
        (
            r#"sig1=("@method" "@method");keyid="k";created=1"#,
            "sig1=:AAAA:",
        ),
        (r#"sig1=("@method");keyid="k";created=1"#, "sig1=\"text\""),
        (r#"sig1=("@method");keyid="k";created=1"#, "sig2=:AAAA:"),
        (
            r#"sig1=("x-missing" "content-digest");keyid="k";created=1"#,
            "sig1=:AAAA:",
        ),
    ] {
        req.headers.insert("signature-input".into(), input.into());
        req.headers.insert("signature".into(), signature.into());
        let when = DateTime::from_timestamp(1, 0).unwrap();
        assert!(
            matches!(req.parse(when), Err(SignatureError::Malformed(_))),
            "{input}"
        );
    }
    req.headers.remove("signature");
    assert!(matches!(
        req.parse(now()),
        Err(SignatureError::Malformed(_))
    ));
}
