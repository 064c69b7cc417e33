//! [`OpenId`]: what turns OpenID Connect on, and how its tokens are made.

use std::time::Duration;

use crate::jose::{Algorithm, Keyring};
use crate::model::TokenFormat;

/// OpenID Connect's part of the [`Config`](crate::config::Config): the keys, the ID tokens'
/// algorithm and lifetime, and how long verifiers may cache the JWK Set.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::jose::{Algorithm, Keyring};
/// use oauth2_provider::oidc::OpenId;
///
/// let openid = OpenId::new(Keyring::default())
///     .id_token_alg(Algorithm::ES256)
///     .id_token_ttl(Duration::from_secs(600));
/// assert_eq!(openid.jwks_max_age, Duration::from_secs(300));
/// ```
#[derive(Clone, Debug)]
pub struct OpenId {
    /// The keys ID tokens are signed with and the JWK Set publishes.
    pub keys: Keyring,
    /// The ID tokens' algorithm. Default: `RS256`, which every relying party must accept
    /// (Core §15.1); the keyring needs a key of it.
    pub id_token_alg: Algorithm,
    /// How long an ID token is valid. Default: 1 hour.
    pub id_token_ttl: Duration,
    /// The JWK Set's `Cache-Control: max-age`. Keep it under the rotation's
    /// [`publish_ahead`](crate::jose::RotationPolicy::publish_ahead), so every verifier sees a
    /// key before it signs. Default: 5 minutes.
    pub jwks_max_age: Duration,
    /// The access tokens of clients that do not choose
    /// ([`OAuthClient::access_token_format`](crate::model::OAuthClient::access_token_format)).
    /// Default: opaque.
    pub access_token_format: TokenFormat,
    /// The JWT access tokens' algorithm. Default: `ES256`: small and fast.
    pub access_token_alg: Algorithm,
    /// The `aud` of a JWT access token issued for no particular resource (RFC 9068 §3 wants
    /// one). Default: `None`, the issuer.
    pub default_audience: Option<String>,
}

impl OpenId {
    /// OpenID Connect over `keys`, with the defaults.
    pub fn new(keys: Keyring) -> Self {
        OpenId {
            keys,
            id_token_alg: Algorithm::RS256,
            id_token_ttl: Duration::from_secs(3600),
            jwks_max_age: Duration::from_secs(300),
            access_token_format: TokenFormat::Opaque,
            access_token_alg: Algorithm::ES256,
            default_audience: None,
        }
    }

    /// With ID tokens signed by `alg`.
    pub fn id_token_alg(mut self, alg: Algorithm) -> Self {
        self.id_token_alg = alg;
        self
    }

    /// With access tokens of `format` for clients that do not choose, signed with `alg` when
    /// they are JWTs.
    pub fn access_tokens(mut self, format: TokenFormat, alg: Algorithm) -> Self {
        self.access_token_format = format;
        self.access_token_alg = alg;
        self
    }

    /// With `audience` as the `aud` of JWT access tokens issued for no particular resource.
    pub fn default_audience(mut self, audience: impl Into<String>) -> Self {
        self.default_audience = Some(audience.into());
        self
    }

    /// With ID tokens valid for `ttl`.
    pub fn id_token_ttl(mut self, ttl: Duration) -> Self {
        self.id_token_ttl = ttl;
        self
    }
}
