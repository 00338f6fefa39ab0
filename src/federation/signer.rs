//! The key that signed a request, by the key's owner: kept in memory for a
//! second (a busy peer's requests need no database round trip each), from
//! the cache, or
//! fetched but *not stored* (nothing is stored for a request that does not
//! verify; `resolve::remember` the fetched document once it did). An
//! account that deletes itself can no longer be fetched, so its deletion
//! is verified with the key we stored, however old.

use super::{
    context::Federation,
    fetch::{FetchBudget, FetchError},
    resolve::{self, Cached, KnownActor},
};
use crate::protocol::actor::Actor;
use url::Url;

/// A signer's key (see the module doc).
#[derive(Clone)]
pub struct SignerKey {
    /// The owner's actor id.
    pub actor_id: Url,
    /// `publicKey.id`, when known.
    pub key_id: Option<String>,
    /// The public key (PEM).
    pub public_key: String,
    /// The document, when it was fetched for this request.
    pub fetched: Option<Actor>,
}

impl SignerKey {
    fn known(known: &KnownActor) -> Result<Self, FetchError> {
        Ok(SignerKey {
            actor_id: Url::parse(known.ap_id()).map_err(|e| FetchError::Failed(e.to_string()))?,
            key_id: known.key_id().map(str::to_owned),
            public_key: known.public_key().to_owned(),
            fetched: None,
        })
    }
}

/// The key of `owner`: kept in memory for a moment (`Federation::signers`),
/// else cached when fresh, else fetched. `refresh` forgets what is kept.
pub async fn signer_key(
    fed: &Federation,
    owner: &Url,
    budget: &FetchBudget,
    refresh: bool,
) -> Result<SignerKey, FetchError> {
    match refresh {
        true => fed.signers.forget(owner.as_str()),
        false => {
            if let Some(kept) = fed.signers.get(owner.as_str()) {
                return Ok(kept);
            }
        }
    }
    if let Cached::Fresh(known) = resolve::cached(fed, owner, refresh).await? {
        let key = SignerKey::known(&known)?;
        fed.signers.put(owner.as_str(), key.clone());
        return Ok(key);
    }
    let document = resolve::fetch_actor(fed, owner, budget).await?;
    let (_, key) = resolve::inbox_and_key(&document)?;
    Ok(SignerKey {
        actor_id: document.id.clone(),
        key_id: Some(key.id.clone()),
        public_key: key.public_key_pem.clone(),
        fetched: Some(document),
    })
}

/// The key we stored for `owner`, however old (for an account's own
/// deletion); `None` when we never knew it.
pub async fn last_known_key(
    fed: &Federation,
    owner: &Url,
) -> Result<Option<SignerKey>, FetchError> {
    match resolve::stored(fed, owner).await? {
        Some(known) => SignerKey::known(&known).map(Some),
        None => Ok(None),
    }
}
