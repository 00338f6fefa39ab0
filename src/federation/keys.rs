//! RSA key pairs for actors (the federation crate's generator, off the async
//! runtime because generation takes tens of milliseconds).

use anyhow::Context;

/// A PEM-encoded actor key pair.
pub struct KeyPair {
    pub public_pem: String,
    pub private_pem: String,
}

/// Generates a 2048-bit RSA key pair.
pub async fn generate() -> anyhow::Result<KeyPair> {
    tokio::task::spawn_blocking(|| {
        let pair = activitypub_federation::http_signatures::generate_actor_keypair()
            .context("cannot generate an RSA key pair")?;
        Ok(KeyPair {
            public_pem: pair.public_key,
            private_pem: pair.private_key,
        })
    })
    .await
    .context("key generation task failed")?
}
