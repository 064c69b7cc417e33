//! The DPoP proof of a token request (RFC 9449 §5): checked against the token endpoint's own
//! URL, the server nonce when one is required (§8), and refused when replayed (§11.1).

use std::time::SystemTime;

use http::request::Parts;
use url::Url;

use super::nonce::Freshness;
use super::{Dpop, DpopError, Proof, Target, proof_header, verify_proof};
use crate::error::OAuthError;
use crate::model::TokenHash;
use crate::store::TokenStore;

/// A token request's proof that held.
pub(crate) struct Accepted {
    /// The thumbprint of its key: what the tokens are bound to.
    pub jkt: String,
}

/// What the token endpoint answers about DPoP: the thumbprint of a valid proof (or `None`
/// without one), and the `DPoP-Nonce` to send with the answer, whatever it is.
pub(crate) struct Checked {
    pub outcome: Result<Option<Accepted>, OAuthError>,
    pub nonce: Option<String>,
}

/// The URL of the endpoint at `path`, from the configured issuer.
pub(crate) fn endpoint_url(issuer: Option<&str>, path: &str) -> Option<String> {
    let base = Url::parse(issuer?).ok()?;
    base.join(path).ok().map(String::from)
}

/// Checks the `DPoP` header of a token request at `path` of the provider configured with
/// `issuer` and `settings`; `jti`s go to `store`.
pub(crate) async fn check<T: TokenStore>(
    parts: &Parts,
    issuer: Option<&str>,
    path: &str,
    settings: &Dpop,
    store: &T,
) -> Checked {
    let now = SystemTime::now();
    let mut nonce = None;
    let outcome: Result<Option<Accepted>, OAuthError> = async {
        let Some(jwt) = proof_header(&parts.headers)? else {
            return Ok(None);
        };
        let url = endpoint_url(issuer, path).ok_or(DpopError::Unavailable)?;
        let proof = verify_proof(jwt, &Target::new(&parts.method, &url), settings, now)?;
        if let Some(nonces) = settings.nonces() {
            let freshness = proof
                .nonce()
                .map_or(Freshness::Stale, |n| nonces.freshness(n, now));
            match freshness {
                Freshness::Current => {}
                // Still good; the client should move on to the current one (§8.2).
                Freshness::Previous => nonce = Some(nonces.at(now)),
                Freshness::Stale => {
                    nonce = Some(nonces.at(now));
                    return Err(DpopError::NonceRequired.into());
                }
            }
        }
        remember(store, &proof, "token", settings, now).await?;
        Ok(Some(Accepted {
            jkt: proof.jkt().to_owned(),
        }))
    }
    .await;
    Checked { outcome, nonce }
}

/// Refuses a proof whose `jti` was seen with the same key within the window. The key is the
/// SHA-256 of the place, the thumbprint and the `jti`, length-prefixed.
pub(crate) async fn remember<T: TokenStore>(
    store: &T,
    proof: &Proof,
    place: &str,
    settings: &Dpop,
    now: SystemTime,
) -> Result<(), OAuthError> {
    let key = format!(
        "dpop:{place}:{}:{}:{}",
        proof.jkt().len(),
        proof.jkt(),
        proof.jti()
    );
    let until = now + settings.replay_window();
    if store.remember_once(&TokenHash::of(&key), until).await? {
        Ok(())
    } else {
        Err(DpopError::Replayed.into())
    }
}
