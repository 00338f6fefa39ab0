//! Key material on `aws-lc-rs`: PEM and DER decoding, our RSA signing key, and the
//! signers' public keys (RSA or Ed25519) with the algorithms that check them.

use anyhow::{Context, anyhow, bail};
use aws_lc_rs::signature::{self as sig, RsaKeyPair, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::SignatureError;

/// DER contents of the `rsaEncryption` object identifier (1.2.840.113549.1.1.1).
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// DER contents of the `id-RSASSA-PSS` object identifier (1.2.840.113549.1.1.10).
const OID_RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
/// DER contents of the `id-Ed25519` object identifier (1.3.101.112).
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

/// A private key that signs our requests, parsed once and cached by the caller.
pub struct SigningKey {
    key_id: String,
    pair: RsaKeyPair,
    rng: aws_lc_rs::rand::SystemRandom,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// `key_id` is `<actor id>#main-key`; `private_pem` is PKCS#8 PEM
    /// ("BEGIN PRIVATE KEY", as [`super::generate_key_pair`] produces).
    /// PKCS#1 ("BEGIN RSA PRIVATE KEY") is accepted too.
    pub fn from_pem(key_id: &str, private_pem: &str) -> anyhow::Result<SigningKey> {
        let (label, der) = decode_pem(private_pem).context("the private key is not PEM")?;
        let pair = match label.as_str() {
            "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der),
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der),
            other => bail!("unsupported private key type {other:?}"),
        }
        .map_err(|e| anyhow!("cannot use the RSA private key: {e}"))?;
        Ok(SigningKey {
            key_id: key_id.to_owned(),
            pair,
            rng: aws_lc_rs::rand::SystemRandom::new(),
        })
    }

    /// The key id (URL) that goes into our signatures.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 over SHA-256 (`rsa-sha256` in
    /// draft-cavage, `rsa-v1_5-sha256` in RFC 9421).
    pub fn sign_rsa_sha256(&self, message: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut out = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(&sig::RSA_PKCS1_SHA256, &self.rng, message, &mut out)
            .map_err(|_| anyhow!("RSA signing failed"))?;
        Ok(out)
    }
}

/// A signature algorithm we can check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (cavage `rsa-sha256`, RFC 9421 `rsa-v1_5-sha256`).
    RsaV15Sha256,
    /// RSASSA-PSS with SHA-512 and a 64-byte salt (RFC 9421 `rsa-pss-sha512`).
    RsaPssSha512,
    /// Ed25519 (RFC 9421 `ed25519`).
    Ed25519,
}

/// A signer's public key, decoded from its actor document's PEM.
#[derive(Debug)]
pub(crate) enum PublicKey {
    /// A PKCS#1 `RSAPublicKey` DER structure (what `aws-lc-rs` takes).
    Rsa(Vec<u8>),
    /// The 32 raw bytes of an Ed25519 key.
    Ed25519(Vec<u8>),
}

impl PublicKey {
    /// Decodes SPKI PEM ("BEGIN PUBLIC KEY": RSA, RSA-PSS or Ed25519) or
    /// PKCS#1 PEM ("BEGIN RSA PUBLIC KEY").
    pub(crate) fn from_pem(pem: &str) -> Result<PublicKey, SignatureError> {
        let bad = |what: &str| SignatureError::Malformed(format!("public key: {what}"));
        let (label, der) = decode_pem(pem).ok_or_else(|| bad("not PEM"))?;
        match label.as_str() {
            "RSA PUBLIC KEY" => Ok(PublicKey::Rsa(der)),
            "PUBLIC KEY" => {
                let (oid, key) = parse_spki(&der).ok_or_else(|| bad("not SubjectPublicKeyInfo"))?;
                if oid == OID_RSA || oid == OID_RSA_PSS {
                    Ok(PublicKey::Rsa(key.to_vec()))
                } else if oid == OID_ED25519 && key.len() == 32 {
                    Ok(PublicKey::Ed25519(key.to_vec()))
                } else {
                    Err(SignatureError::Unsupported("public key algorithm".into()))
                }
            }
            _ => Err(SignatureError::Unsupported("public key PEM type".into())),
        }
    }

    /// The algorithms this key can check, most likely first, when the
    /// signature does not say (`hs2019`, or RFC 9421 without `alg`).
    pub(crate) fn default_algorithms(&self, allow_pss: bool) -> &'static [Algorithm] {
        match self {
            PublicKey::Rsa(_) if allow_pss => &[Algorithm::RsaV15Sha256, Algorithm::RsaPssSha512],
            PublicKey::Rsa(_) => &[Algorithm::RsaV15Sha256],
            PublicKey::Ed25519(_) => &[Algorithm::Ed25519],
        }
    }

    /// Checks `signature` over `message`; false on any mismatch, including
    /// an algorithm that does not fit the key type.
    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        let params: &dyn sig::VerificationAlgorithm = match (self, alg) {
            (PublicKey::Rsa(_), Algorithm::RsaV15Sha256) => &sig::RSA_PKCS1_2048_8192_SHA256,
            (PublicKey::Rsa(_), Algorithm::RsaPssSha512) => &sig::RSA_PSS_2048_8192_SHA512,
            (PublicKey::Ed25519(_), Algorithm::Ed25519) => &sig::ED25519,
            _ => return false,
        };
        let (PublicKey::Rsa(bytes) | PublicKey::Ed25519(bytes)) = self;
        UnparsedPublicKey::new(params, bytes)
            .verify(message, signature)
            .is_ok()
    }
}

/// Decodes the first PEM block in `pem`: its label and DER bytes.
pub(crate) fn decode_pem(pem: &str) -> Option<(String, Vec<u8>)> {
    const BEGIN: &str = "-----BEGIN ";
    let after = &pem[pem.find(BEGIN)? + BEGIN.len()..];
    let label_end = after.find("-----")?;
    let body = &after[label_end + 5..];
    let body = &body[..body.find("-----END ")?];
    let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = STANDARD.decode(b64).ok()?;
    Some((after[..label_end].to_owned(), der))
}

/// Reads one DER element: its tag, its contents and what follows it.
fn der_next(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let (bytes, after) = rest.split_at_checked(count)?;
        rest = after;
        bytes.iter().fold(0, |acc, &b| (acc << 8) | usize::from(b))
    };
    let (contents, rest) = rest.split_at_checked(len)?;
    Some((tag, contents, rest))
}

/// Splits a SubjectPublicKeyInfo into its algorithm OID and key bytes.
fn parse_spki(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let Some((0x30, spki, _)) = der_next(der) else {
        return None;
    };
    let Some((0x30, algorithm, rest)) = der_next(spki) else {
        return None;
    };
    let Some((0x06, oid, _)) = der_next(algorithm) else {
        return None;
    };
    let Some((0x03, bits, _)) = der_next(rest) else {
        return None;
    };
    match bits.split_first() {
        Some((0, key)) => Some((oid, key)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::test_support::*;

    #[test]
    fn rsa_public_keys_in_both_pem_forms() {
        let spki = PublicKey::from_pem(KEY_A_PUBLIC).unwrap();
        let pkcs1 = PublicKey::from_pem(KEY_A_PKCS1).unwrap();
        let (PublicKey::Rsa(a), PublicKey::Rsa(b)) = (&spki, &pkcs1) else {
            panic!("expected RSA keys, got {spki:?} and {pkcs1:?}");
        };
        assert_eq!(a, b, "SPKI unwraps to the PKCS#1 structure");
        let key = SigningKey::from_pem("https://a.example/u#main-key", KEY_A_PRIVATE).unwrap();
        let signature = key.sign_rsa_sha256(b"hello").unwrap();
        assert!(pkcs1.verify(Algorithm::RsaV15Sha256, b"hello", &signature));
        assert!(!pkcs1.verify(Algorithm::RsaV15Sha256, b"hellO", &signature));
        assert!(!pkcs1.verify(Algorithm::Ed25519, b"hello", &signature));
    }

    #[test]
    fn ed25519_spki_key() {
        let key = PublicKey::from_pem(RFC_ED25519_PUBLIC).unwrap();
        assert!(matches!(key, PublicKey::Ed25519(ref k) if k.len() == 32));
        assert_eq!(key.default_algorithms(true), &[Algorithm::Ed25519]);
    }

    #[test]
    fn garbage_keys_are_refused() {
        assert!(matches!(
            PublicKey::from_pem("not a key"),
            Err(SignatureError::Malformed(_))
        ));
        let truncated =
            "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOC\n-----END PUBLIC KEY-----";
        assert!(PublicKey::from_pem(truncated).is_err());
        assert!(SigningKey::from_pem("k", KEY_A_PUBLIC).is_err());
        assert!(SigningKey::from_pem("k", "junk").is_err());
    }

    #[test]
    fn generated_keys_sign_and_verify() {
        let pair = super::super::generate_key_pair().unwrap();
        let key = SigningKey::from_pem("https://a.example/u#main-key", &pair.private_pem).unwrap();
        let public = PublicKey::from_pem(&pair.public_pem).unwrap();
        let signature = key.sign_rsa_sha256(b"message").unwrap();
        assert!(public.verify(Algorithm::RsaV15Sha256, b"message", &signature));
        assert!(
            !format!("{key:?}").contains("MII"),
            "Debug shows no key material"
        );
    }
}
