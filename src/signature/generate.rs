//! New RSA-2048 key pairs for our actors, as PEM (SPKI public key, PKCS#8
//! private key: what Mastodon and Lemmy publish and what [`SigningKey`]
//! reads). `ring` cannot generate RSA keys, so this one step uses the `rsa`
//! crate; signing and verifying stay on `ring`.
//!
//! [`SigningKey`]: super::SigningKey

use anyhow::Context;
use rsa::{
    RsaPrivateKey, RsaPublicKey,
    pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding},
};

/// A PEM-encoded key pair.
pub struct KeyPair {
    pub public_pem: String,
    pub private_pem: String,
}

/// Generates a 2048-bit RSA key pair (tens of milliseconds: call it off the
/// async runtime, or through [`generate_key_pair_async`]).
pub fn generate_key_pair() -> anyhow::Result<KeyPair> {
    let private =
        RsaPrivateKey::new(&mut rand::thread_rng(), 2048).context("cannot generate an RSA key")?;
    let public_pem = RsaPublicKey::from(&private)
        .to_public_key_pem(LineEnding::LF)
        .context("cannot encode the public key")?;
    let private_pem = private
        .to_pkcs8_pem(LineEnding::LF)
        .context("cannot encode the private key")?
        .to_string();
    Ok(KeyPair {
        public_pem,
        private_pem,
    })
}

/// [`generate_key_pair`] on a blocking thread.
pub async fn generate_key_pair_async() -> anyhow::Result<KeyPair> {
    tokio::task::spawn_blocking(generate_key_pair)
        .await
        .context("key generation task failed")?
}
