//! [`PublicKeys`]: a JWK Set someone else published (RFC 7517 §5), to verify their tokens
//! with: what a resource server holds of its authorization server's `jwks_uri`.

use std::fmt;
use std::time::SystemTime;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm};

use super::sig::VerifyingKey;
use super::{Algorithm, JwtError, KeyError, KeySet};

/// The keys a verifier picks from by `kid`: the provider's own [`KeySet`], or the
/// [`PublicKeys`] of a published JWK Set. Sealed.
pub trait VerifyingKeys: sealed::Sealed {
    /// The key named `kid` that verifies `alg` at `now`. Without a `kid`, the one key of the
    /// set for `alg`, where the set allows that ([`PublicKeys`] does, [`KeySet`] never).
    #[doc(hidden)]
    fn verifying(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        now: SystemTime,
    ) -> Result<&VerifyingKey, JwtError>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::KeySet {}
    impl Sealed for super::PublicKeys {}
}

impl VerifyingKeys for KeySet {
    fn verifying(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        now: SystemTime,
    ) -> Result<&VerifyingKey, JwtError> {
        let kid = kid.ok_or(JwtError::MissingKeyId)?;
        let key = self.verifier(kid, now).ok_or(JwtError::UnknownKey)?;
        if key.alg() != alg {
            return Err(JwtError::KeyAlgorithmMismatch);
        }
        Ok(key.verifying())
    }
}

/// The signing keys of a JWK Set: each with its `kid` and the [`Algorithm`]s it verifies: its
/// `alg`, or, without one, those of its key type (`EC` P-256 is `ES256`, `OKP` Ed25519
/// `EdDSA`, `RSA` both `RS256` and `PS256`). Keys for encryption or of other types are left
/// out. A key without a `kid` is kept for [`Expectations::kid_optional`](super::Expectations::kid_optional): a token without a
/// `kid` is verified by the one key of the set for its `alg`, as a client's own JWK Set is
/// often published (RFC 7523 names no `kid`).
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
    keys: Vec<PublicKey>,
}

#[derive(Clone)]
struct PublicKey {
    kid: Option<String>,
    /// The key's `alg`, or `None` for any algorithm of its type.
    alg: Option<Algorithm>,
    family: Algorithm,
    key: VerifyingKey,
}

impl PublicKey {
    fn verifies(&self, alg: Algorithm) -> bool {
        match self.alg {
            Some(own) => own == alg,
            None => family(alg) == self.family,
        }
    }
}

/// The algorithm standing for the key type `alg` needs: PS256 takes an RSA key, as RS256 does.
fn family(alg: Algorithm) -> Algorithm {
    match alg {
        Algorithm::PS256 => Algorithm::RS256,
        other => other,
    }
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
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }
}

impl VerifyingKeys for PublicKeys {
    fn verifying(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        _now: SystemTime,
    ) -> Result<&VerifyingKey, JwtError> {
        let Some(kid) = kid else {
            let mut candidates = self.keys.iter().filter(|k| k.verifies(alg));
            return match (candidates.next(), candidates.next()) {
                (Some(only), None) => Ok(&only.key),
                (None, _) => Err(JwtError::UnknownKey),
                (Some(_), Some(_)) => Err(JwtError::MissingKeyId),
            };
        };
        let key = self
            .keys
            .iter()
            .find(|k| k.kid.as_deref() == Some(kid))
            .ok_or(JwtError::UnknownKey)?;
        if !key.verifies(alg) {
            return Err(JwtError::KeyAlgorithmMismatch);
        }
        Ok(&key.key)
    }
}

impl fmt::Debug for PublicKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kids: Vec<(Option<&str>, Option<Algorithm>)> = self
            .keys
            .iter()
            .map(|k| (k.kid.as_deref(), k.alg))
            .collect();
        f.debug_tuple("PublicKeys").field(&kids).finish()
    }
}

fn usable(jwk: &Jwk) -> Option<PublicKey> {
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
        None => None,
        Some(KeyAlgorithm::RS256) if by_type == Algorithm::RS256 => Some(Algorithm::RS256),
        Some(KeyAlgorithm::PS256) if by_type == Algorithm::RS256 => Some(Algorithm::PS256),
        Some(KeyAlgorithm::ES256) if by_type == Algorithm::ES256 => Some(Algorithm::ES256),
        Some(KeyAlgorithm::EdDSA) if by_type == Algorithm::EdDSA => Some(Algorithm::EdDSA),
        Some(_) => return None,
    };
    Some(PublicKey {
        kid: jwk.common.key_id.clone(),
        alg,
        family: by_type,
        key: VerifyingKey::from_decoding(by_type, &DecodingKey::from_jwk(jwk).ok()?)?,
    })
}
