//! RFC 9421 appendix B vectors (B.2.1, B.2.3, B.2.6, from the RFC's text)
//! and the derived components of §2.2.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::test_signer::*;
use super::*;
use crate::signature::{keys::PublicKey, test_support::*};

/// RFC 9421 B.2.1 (`rsa-pss-sha512`, nothing covered).
const B21_SIGNATURE: &str = "d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==";
/// RFC 9421 B.2.3 (`rsa-pss-sha512`, full coverage, no `alg`).
const B23_INPUT: &str = r#"sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#;
const B23_SIGNATURE: &str = "bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==";
/// RFC 9421 B.2.6 (`ed25519`).
const B26_INPUT: &str = r#"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#;
const B26_SIGNATURE: &str =
    "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==";
const RFC_CREATED: i64 = 1_618_884_473;

#[test]
fn derived_components() {
    let req = TestRequest::new(
        "POST",
        "/apps/social/@alice/inbox?x=1",
        &[("host", "Cloud.Example.com")],
        None,
    );
    let list = inner_list(
        r#"s=("@method" "@target-uri" "@authority" "@scheme" "@request-target" "@path" "@query")"#,
    );
    let base = String::from_utf8(signature_base(&req.request(), &list).unwrap()).unwrap();
    let expected = [
        r#""@method": POST"#,
        r#""@target-uri": https://cloud.example.com/apps/social/@alice/inbox?x=1"#,
        r#""@authority": cloud.example.com"#,
        r#""@scheme": https"#,
        r#""@request-target": /apps/social/@alice/inbox?x=1"#,
        r#""@path": /apps/social/@alice/inbox"#,
        r#""@query": ?x=1"#,
        r#""@signature-params": ("@method" "@target-uri" "@authority" "@scheme" "@request-target" "@path" "@query")"#,
    ];
    assert_eq!(base, expected.join("\n"));
    let bare = TestRequest::new("GET", "/inbox", &[("host", "h.example:8443")], None);
    let base =
        signature_base(&bare.request(), &inner_list(r#"s=("@query" "@authority")"#)).unwrap();
    assert!(base.starts_with(b"\"@query\": ?\n\"@authority\": h.example:8443\n"));
}

/// The B.2 "test-request", unsigned.
fn rfc_request() -> TestRequest {
    let digest = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
    let headers = [
        ("Host", "example.com"),
        ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Digest", digest),
        ("Content-Length", "18"),
    ];
    TestRequest::new(
        "POST",
        "/foo?param=Value&Pet=dog",
        &headers,
        Some(br#"{"hello": "world"}"#),
    )
}

#[test]
fn rfc9421_b_2_6_ed25519_reproduced() {
    let mut req = rfc_request();
    let base = signature_base(&req.request(), &inner_list(B26_INPUT)).unwrap();
    let expected = "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@authority\": example.com\n\"content-type\": application/json\n\"content-length\": 18\n\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
    assert_eq!(String::from_utf8(base.clone()).unwrap(), expected);
    assert_eq!(
        STANDARD.encode(ed25519(&base)),
        B26_SIGNATURE,
        "Ed25519 is deterministic"
    );
    let key = PublicKey::from_pem(RFC_ED25519_PUBLIC).unwrap();
    assert!(key.verify(
        Algorithm::Ed25519,
        &base,
        &STANDARD.decode(B26_SIGNATURE).unwrap()
    ));

    // B.2.6 does not cover content-digest, which we require of a POST.
    req.headers
        .insert("signature-input".into(), B26_INPUT.into());
    req.headers
        .insert("signature".into(), format!("sig-b26=:{B26_SIGNATURE}:"));
    let at = DateTime::from_timestamp(RFC_CREATED, 0).unwrap();
    assert!(matches!(req.parse(at), Err(SignatureError::Malformed(_))));
}

#[test]
fn rfc9421_b_2_3_rsa_pss_verified_end_to_end() {
    let mut req = rfc_request();
    req.headers
        .insert("signature-input".into(), B23_INPUT.into());
    req.headers
        .insert("signature".into(), format!("sig-b23=:{B23_SIGNATURE}:"));
    let at = DateTime::from_timestamp(RFC_CREATED, 0).unwrap();
    let pending = req.parse(at).unwrap();
    assert_eq!(pending.key_id(), "test-key-rsa-pss");
    let base = String::from_utf8(pending.bases[0].clone()).unwrap();
    assert!(
        base.contains("\n\"@query\": ?param=Value&Pet=dog\n"),
        "{base}"
    );
    pending.verify(RFC_RSA_PSS_PUBLIC).unwrap();
    assert!(matches!(
        pending.verify(KEY_A_PUBLIC),
        Err(SignatureError::Invalid)
    ));
    req.body = Some(br#"{"hello": "World"}"#.to_vec());
    assert!(matches!(req.parse(at), Err(SignatureError::DigestMismatch)));
}

#[test]
fn rfc9421_b_2_1_minimal_rsa_pss() {
    let list = inner_list(
        r#"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#,
    );
    let base = signature_base(&rfc_request().request(), &list).unwrap();
    let expected = r#""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#;
    assert_eq!(String::from_utf8(base.clone()).unwrap(), expected);
    let key = PublicKey::from_pem(RFC_RSA_PSS_PUBLIC).unwrap();
    let signature = STANDARD.decode(B21_SIGNATURE).unwrap();
    assert!(key.verify(Algorithm::RsaPssSha512, &base, &signature));
    assert!(!key.verify(Algorithm::RsaV15Sha256, &base, &signature));
}
