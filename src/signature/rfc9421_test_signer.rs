//! A small RFC 9421 test signer over the module's own signature base, and
//! RSA signing functions for it (test builds only).

use std::collections::BTreeMap;

use aws_lc_rs::signature::{RSA_PSS_SHA512, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::*;
use crate::signature::{keys::decode_pem, parse_request_signature, test_support::*};

/// A request under test: what `parse_request_signature` takes.
pub(super) struct TestRequest {
    pub(super) method: &'static str,
    pub(super) scheme: &'static str,
    pub(super) target: &'static str,
    pub(super) headers: BTreeMap<String, String>,
    pub(super) body: Option<Vec<u8>>,
}

impl TestRequest {
    pub(super) fn new(
        method: &'static str,
        target: &'static str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Self {
        let headers = header_map(headers.iter().map(|&(k, v)| (k, v)));
        TestRequest {
            method,
            scheme: "https",
            target,
            headers,
            body: body.map(<[u8]>::to_vec),
        }
    }

    pub(super) fn request(&self) -> Request<'_> {
        Request {
            method: self.method,
            scheme: self.scheme,
            path_and_query: self.target,
            headers: &self.headers,
            body: self.body.as_deref(),
        }
    }

    /// The test signer: signs `components` with `params` under `label` and
    /// adds (or appends to) `signature-input` and `signature`.
    pub(super) fn sign(
        &mut self,
        label: &str,
        components: &[&str],
        params: &str,
        sign: impl Fn(&[u8]) -> Vec<u8>,
    ) {
        let quoted: Vec<String> = components.iter().map(|c| format!("\"{c}\"")).collect();
        let input = format!("{label}=({}){params}", quoted.join(" "));
        let base = signature_base(&self.request(), &inner_list(&input)).unwrap();
        let signature = format!("{label}=:{}:", STANDARD.encode(sign(&base)));
        for (name, value) in [("signature-input", input), ("signature", signature)] {
            self.headers
                .entry(name.to_owned())
                .and_modify(|v| *v = format!("{v}, {value}"))
                .or_insert(value);
        }
    }

    pub(super) fn parse(&self, now: DateTime<Utc>) -> Result<PendingSignature, SignatureError> {
        parse_request_signature(
            self.method,
            self.target,
            &self.headers,
            self.body.as_deref(),
            now,
            self.scheme,
        )
    }
}

pub(super) fn inner_list(input: &str) -> InnerList {
    match sfv::parse_dictionary(input).unwrap().remove(0).1 {
        Member::InnerList(list) => list,
        Member::Item(_) => panic!("not an inner list"),
    }
}

pub(super) fn rsa(base: &[u8]) -> Vec<u8> {
    key_a().sign_rsa_sha256(base).unwrap()
}

pub(super) fn rsa_pss(base: &[u8]) -> Vec<u8> {
    let pair = RsaKeyPair::from_pkcs8(&decode_pem(KEY_A_PRIVATE).unwrap().1).unwrap();
    let mut out = vec![0; pair.public_modulus_len()];
    pair.sign(
        &RSA_PSS_SHA512,
        &aws_lc_rs::rand::SystemRandom::new(),
        base,
        &mut out,
    )
    .unwrap();
    out
}
