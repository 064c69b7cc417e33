//! [`PublicKeys`]: a JWK Set someone else published (RFC 7517 §5), to verify their tokens
//! with: what a resource server holds of its authorization server's `jwks_uri`.

use std::fmt;
use std::time::SystemTime;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm};

use super::{Algorithm, KeyError, KeySet};

/// The keys a verifier picks from by `kid`: the provider's own [`KeySet`], or the
/// [`PublicKeys`] of a published JWK Set. Sealed.
pub trait VerifyingKeys: sealed::Sealed {
    /// The algorithm and key named `kid`, if it verifies at `now`.
    #[doc(hidden)]
    fn verifying(&self, kid: &str, now: SystemTime) -> Option<(Algorithm, &DecodingKey)>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::KeySet {}
    impl Sealed for super::PublicKeys {}
}

impl VerifyingKeys for KeySet {
    fn verifying(&self, kid: &str, now: SystemTime) -> Option<(Algorithm, &DecodingKey)> {
        self.verifier(kid, now)
            .map(|key| (key.alg(), key.decoding()))
    }
}

/// The signing keys of a JWK Set: each with its `kid` and one of [`Algorithm`]'s, from its
/// `alg` or, without one, its key type (`EC` P-256 is `ES256`, `OKP` Ed25519 `EdDSA`, `RSA`
/// `RS256`). Keys for encryption, of other types or without a `kid` are left out.
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::jose::{sign, verify, Algorithm, Expectations, KeySet, PublicKeys, RotationPolicy};
///
/// let mut keys = KeySet::new();
/// let now = SystemTime::now();
/// keys.rotate(Algorithm::ES256, now, &RotationPolicy::new()).unwrap();
/// let exp = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() + 60;
/// let token = sign(keys.signer(Algorithm::ES256, now).unwrap(), "at+jwt", &serde_json::json!({"exp": exp})).unwrap();
///
/// // What the resource server fetched from `jwks_uri`.
/// let published = PublicKeys::from_jwks(&keys.jwks(now)).unwrap();
/// assert_eq!(published.len(), 1);
/// let expect = Expectations::new(&[Algorithm::ES256]).typ("at+jwt");
/// assert!(verify::<serde_json::Value>(&token, &published, &expect).is_ok());
/// ```
#[derive(Clone, Default)]
pub struct PublicKeys {
    keys: Vec<(String, Algorithm, DecodingKey)>,
}

impl PublicKeys {
    /// The signing keys of the JWK Set `jwks` (a `{"keys": [...]}` object); `Err` when it is
    /// no JWK Set.
    pub fn from_jwks(jwks: &serde_json::Value) -> Result<Self, KeyError> {
        let set: JwkSet = serde_json::from_value(jwks.clone()).map_err(|_| KeyError::InvalidKey)?;
        let keys = set.keys.iter().filter_map(usable).collect();
        Ok(PublicKeys { keys })
    }

    /// How many keys it holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// `true` when it holds none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// `true` when a key named `kid` is here: a verifier that meets an unknown `kid` fetches
    /// the set again (OpenID Connect Core §10.1.1).
    pub fn contains(&self, kid: &str) -> bool {
        self.keys.iter().any(|(k, _, _)| k == kid)
    }
}

impl VerifyingKeys for PublicKeys {
    fn verifying(&self, kid: &str, _now: SystemTime) -> Option<(Algorithm, &DecodingKey)> {
        self.keys
            .iter()
            .find(|(k, _, _)| k == kid)
            .map(|(_, alg, key)| (*alg, key))
    }
}

impl fmt::Debug for PublicKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kids: Vec<(&str, Algorithm)> =
            self.keys.iter().map(|(k, a, _)| (k.as_str(), *a)).collect();
        f.debug_tuple("PublicKeys").field(&kids).finish()
    }
}

fn usable(jwk: &Jwk) -> Option<(String, Algorithm, DecodingKey)> {
    let kid = jwk.common.key_id.clone()?;
    if jwk
        .common
        .public_key_use
        .as_ref()
        .is_some_and(|u| *u != jsonwebtoken::jwk::PublicKeyUse::Signature)
    {
        return None;
    }
    let by_type = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        AlgorithmParameters::OctetKeyPair(okp) if okp.curve == EllipticCurve::Ed25519 => {
            Algorithm::EdDSA
        }
        _ => return None,
    };
    let alg = match jwk.common.key_algorithm {
        None => by_type,
        Some(KeyAlgorithm::RS256) if by_type == Algorithm::RS256 => Algorithm::RS256,
        Some(KeyAlgorithm::PS256) if by_type == Algorithm::RS256 => Algorithm::PS256,
        Some(KeyAlgorithm::ES256) if by_type == Algorithm::ES256 => Algorithm::ES256,
        Some(KeyAlgorithm::EdDSA) if by_type == Algorithm::EdDSA => Algorithm::EdDSA,
        Some(_) => return None,
    };
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some((kid, alg, key))
}
