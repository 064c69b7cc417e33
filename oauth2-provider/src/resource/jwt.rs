//! Validating RFC 9068 access tokens where the store is out of reach: a resource server of
//! its own, holding the authorization server's published keys (feature `jwt`).

mod cache;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Deserialize;

use crate::jose::{self, Algorithm, Expectations, JwtError, PublicKeys};
use cache::Cache;

/// What an RFC 9068 access token says (§2.2), once [`JwtValidator::validate`] accepted it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct AccessTokenClaims {
    /// The resource owner, or the client for its own token.
    pub sub: String,
    /// The client the token was issued to.
    pub client_id: String,
    /// The granted scope, as a §3.3 string.
    #[serde(default)]
    pub scope: String,
    /// The token's unique identifier.
    pub jti: String,
    /// When it expires, in seconds since the epoch.
    pub exp: u64,
    /// When it was issued.
    pub iat: u64,
    /// When the owner signed in, if known.
    #[serde(default)]
    pub auth_time: Option<u64>,
    /// How, if known.
    #[serde(default)]
    pub acr: Option<String>,
}

impl AccessTokenClaims {
    /// `true` when the token's scope holds `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split(' ').any(|s| s == scope)
    }
}

/// The checks of RFC 9068 §4 on an access token, with the authorization server's published
/// keys: `typ` is `at+jwt` (so an ID token is refused), the signature verifies with a key of
/// the set, `iss` is the issuer, `aud` holds this resource, `exp` has not passed, and the
/// §2.2 claims are there.
///
/// Local validation sees no revocation: keep access tokens short-lived, or introspect. On
/// [`JwtError::UnknownKey`] fetch the JWK Set again (the issuer rotated) and retry once.
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::jose::{sign, Algorithm, KeySet, PublicKeys, RotationPolicy};
/// use oauth2_provider::resource::JwtValidator;
///
/// # let mut keys = KeySet::new();
/// # let now = SystemTime::now();
/// # keys.rotate(Algorithm::ES256, now, &RotationPolicy::new()).unwrap();
/// # let exp = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() + 60;
/// # let token = sign(keys.signer(Algorithm::ES256, now).unwrap(), "at+jwt", &serde_json::json!({
/// #     "iss": "https://as.example", "aud": "https://api.example", "exp": exp, "iat": exp - 60,
/// #     "sub": "alice", "client_id": "app", "jti": "j1", "scope": "read write",
/// # })).unwrap();
/// // `jwks` is what the authorization server's `jwks_uri` answered.
/// # let jwks = keys.jwks(now);
/// let keys = PublicKeys::from_jwks(&jwks).unwrap();
/// let validator = JwtValidator::new("https://as.example", "https://api.example", keys);
/// let claims = validator.validate(&token).unwrap();
/// assert!(claims.has_scope("write") && claims.sub == "alice");
/// ```
///
/// A resource server that sees the same token many times can keep the verified ones:
/// [`cache`](JwtValidator::cache).
#[derive(Clone, Debug)]
pub struct JwtValidator {
    keys: PublicKeys,
    expect: Expectations,
    leeway: Duration,
    /// Shared by clones until one of them changes its keys or leeway.
    cache: Option<Arc<Cache>>,
}

/// [`Expectations`]'s default, which [`JwtValidator::new`] keeps.
const LEEWAY: Duration = Duration::from_secs(30);

impl JwtValidator {
    /// Tokens of `issuer` for `audience`, signed by one of `keys` with an asymmetric
    /// algorithm, with 30 s of clock leeway.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>, keys: PublicKeys) -> Self {
        let mut expect = Expectations::new(&Algorithm::ALL)
            .typ("at+jwt")
            .issuer(issuer)
            .audience(audience);
        for claim in ["sub", "client_id", "iat", "jti"] {
            expect = expect.require(claim);
        }
        JwtValidator {
            keys,
            expect: expect.leeway(LEEWAY),
            leeway: LEEWAY,
            cache: None,
        }
    }

    /// With this much clock leeway on `exp`.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.expect = self.expect.leeway(leeway);
        self.leeway = leeway;
        self.renew_cache();
        self
    }

    /// Keeps up to `entries` tokens it accepted, by their SHA-256, and answers for the same
    /// token again from there until it expires (`exp`, with the leeway), without verifying
    /// its signature again. A hit answers what a full validation would at that instant; the
    /// cache starts empty again with new keys ([`set_keys`](JwtValidator::set_keys)). When
    /// full, expired tokens make room first, then any. Each entry holds a token's claims and
    /// 32 bytes of digest. `0`, the default, keeps none.
    ///
    /// ```
    /// # use oauth2_provider::jose::PublicKeys;
    /// use oauth2_provider::resource::JwtValidator;
    /// # let keys = PublicKeys::from_jwks(&serde_json::json!({ "keys": [] })).unwrap();
    /// let validator = JwtValidator::new("https://as.example", "https://api.example", keys)
    ///     .cache(10_000);
    /// ```
    pub fn cache(mut self, entries: usize) -> Self {
        self.cache = (entries > 0).then(|| Arc::new(Cache::new(entries)));
        self
    }

    /// Replaces the keys, with a JWK Set fetched again. The tokens cached so far are
    /// forgotten: they were verified with the keys replaced.
    pub fn set_keys(&mut self, keys: PublicKeys) {
        self.keys = keys;
        self.renew_cache();
    }

    fn renew_cache(&mut self) {
        if let Some(cache) = &self.cache {
            self.cache = Some(Arc::new(Cache::new(cache.capacity())));
        }
    }

    /// The keys it verifies with.
    pub fn keys(&self) -> &PublicKeys {
        &self.keys
    }

    /// The claims of `token` if it passes every check; the first that fails otherwise.
    pub fn validate(&self, token: &str) -> Result<AccessTokenClaims, JwtError> {
        let Some(cache) = &self.cache else {
            return jose::verify(token, &self.keys, &self.expect);
        };
        let key = cache::key(token);
        if let Some(claims) = cache.get(&key, SystemTime::now()) {
            return Ok(claims);
        }
        let claims = jose::verify(token, &self.keys, &self.expect)?;
        // Read after the validation, so that a hit is never earlier than the clock it passed.
        cache.insert(key, &claims, SystemTime::now(), self.leeway);
        Ok(claims)
    }

    /// How many verified tokens the cache holds now (0 without one).
    pub fn cached(&self) -> usize {
        self.cache.as_ref().map_or(0, |cache| cache.len())
    }
}
