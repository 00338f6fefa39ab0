//! New RSA-2048 key pairs for our actors, as PEM (SPKI public key, PKCS#8
//! private key: what Mastodon and Lemmy publish and what [`SigningKey`]
//! reads).
//!
//! [`SigningKey`]: super::SigningKey

use anyhow::{Context, anyhow};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A PEM-encoded key pair.
pub struct KeyPair {
    pub public_pem: String,
    pub private_pem: String,
}

/// Generates a 2048-bit RSA key pair (tens of milliseconds: call it off the
/// async runtime, or through [`generate_key_pair_async`]).
pub fn generate_key_pair() -> anyhow::Result<KeyPair> {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048)
        .map_err(|_| anyhow!("cannot generate an RSA key"))?;
    let public: PublicKeyX509Der = pair
        .public_key()
        .as_der()
        .map_err(|_| anyhow!("cannot encode the public key"))?;
    let private: Pkcs8V1Der = pair
        .as_der()
        .map_err(|_| anyhow!("cannot encode the private key"))?;
    Ok(KeyPair {
        public_pem: encode_pem("PUBLIC KEY", public.as_ref()),
        private_pem: encode_pem("PRIVATE KEY", private.as_ref()),
    })
}

/// [`generate_key_pair`] on a blocking thread.
pub async fn generate_key_pair_async() -> anyhow::Result<KeyPair> {
    tokio::task::spawn_blocking(generate_key_pair)
        .await
        .context("key generation task failed")?
}

/// RFC 7468 PEM: the label's armour around base64 in lines of 64.
fn encode_pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
