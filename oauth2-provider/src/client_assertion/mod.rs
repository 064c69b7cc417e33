//! JWT client authentication (feature `jwt`): `private_key_jwt` and `client_secret_jwt`
//! (RFC 7523 §2.2, §3; OpenID Connect Core §9), at every endpoint that authenticates
//! clients: token, revocation, introspection, PAR and device authorization.
//!
//! | rule | where it comes from |
//! |---|---|
//! | `client_assertion_type` is `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`, with one `client_assertion` and no other credential | RFC 7521 §4.2, RFC 6749 §2.3 |
//! | `iss` = `sub` = the client id (and = `client_id` when sent) | RFC 7523 §3 items 1–2 |
//! | `aud` is the issuer, as one string; [`AssertionAudience::IssuerOrEndpoint`] also takes the token and PAR endpoint URLs, or an array holding one | draft-ietf-oauth-rfc7523bis §4, RFC 9126 §2 |
//! | `exp` required, past refused, at most [`max_lifetime`](ClientAssertions::max_lifetime) ahead; `nbf` and `iat` not in the future | RFC 7523 §3 items 4–6 |
//! | `jti` required and single-use until `exp`, on every node ([`remember_once`](crate::store::TokenStore::remember_once)) | OpenID Connect Core §9, RFC 7523 §3 item 7 |
//! | `private_key_jwt`: an asymmetric `alg` of the allow-list, a key of the client's `jwks` or `jwks_uri` (fetched again once on an unknown `kid`) | RFC 8725 §3.1, OIDC Core §10.1.1 |
//! | `client_secret_jwt`: HS256/384/512 with [`OAuthClient::assertion_secret`](crate::model::OAuthClient::assertion_secret), only when switched on | RFC 7518 §3.2 |
//!
//! Every refusal is `invalid_client` (RFC 6749 §5.2); the reason goes to the log only. A
//! client registered with a JWT method ([`OAuthClient::auth_method`](crate::model::OAuthClient::auth_method))
//! authenticates no other way, and the `jti` is remembered only once signature and claims
//! hold, so a forged assertion cannot burn another's `jti`.
//!
//! ```
//! use std::time::Duration;
//! use oauth2_provider::client_assertion::{AssertionAudience, ClientAssertions};
//! use oauth2_provider::config::Config;
//! use oauth2_provider::jose::Algorithm;
//!
//! let config = Config::builder()
//!     .issuer("https://auth.example.com")
//!     .client_assertions(
//!         ClientAssertions::new()
//!             .audience(AssertionAudience::IssuerOrEndpoint)
//!             .algorithms(&[Algorithm::PS256, Algorithm::ES256])
//!             .max_lifetime(Duration::from_secs(300)),
//!     )
//!     .build();
//! assert_eq!(config.client_assertions.signing_algorithms(), ["PS256", "ES256"]);
//! ```

use std::sync::Arc;
use std::time::Duration;

use crate::fetch::Fetch;
use crate::jose::Algorithm;

mod keys;
mod verify;

pub(crate) use verify::{ASSERTION_TYPE, AssertionError, Audiences, claimed_client_id, verify};

/// Which `aud` an assertion may carry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AssertionAudience {
    /// The issuer identifier, as a single string: draft-ietf-oauth-rfc7523bis, and what the
    /// FAPI 2.0 tests want (an array, or the token endpoint URL, is refused). The default.
    #[default]
    Issuer,
    /// The issuer, the token endpoint URL or the PAR endpoint URL, as a string or in an
    /// array: RFC 7523 as first written, for clients that predate the update.
    IssuerOrEndpoint,
}

/// The policy of JWT client authentication: [`Config::client_assertions`](crate::config::Config::client_assertions).
///
/// The default: `aud` is the issuer ([`AssertionAudience::Issuer`]); `private_key_jwt` with
/// `RS256`, `PS256`, `ES256` and `EdDSA`; `client_secret_jwt` off; assertions live at most
/// an hour; 15 s of clock skew; no fetcher, so a client with a `jwks_uri` cannot authenticate
/// until [`fetcher`](Self::fetcher) gives one.
///
/// ```
/// use oauth2_provider::client_assertion::ClientAssertions;
///
/// let assertions = ClientAssertions::new().client_secret_jwt(true);
/// assert_eq!(assertions.methods(), ["private_key_jwt", "client_secret_jwt"]);
/// ```
#[derive(Clone)]
pub struct ClientAssertions {
    pub(crate) audience: AssertionAudience,
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) client_secret_jwt: bool,
    pub(crate) max_lifetime: Duration,
    pub(crate) leeway: Duration,
    pub(crate) keys: Arc<keys::KeyCache>,
}

impl Default for ClientAssertions {
    fn default() -> Self {
        ClientAssertions {
            audience: AssertionAudience::Issuer,
            algorithms: Algorithm::ALL.to_vec(),
            client_secret_jwt: false,
            max_lifetime: Duration::from_secs(3600),
            leeway: Duration::from_secs(15),
            keys: Arc::new(keys::KeyCache::new(None)),
        }
    }
}

impl ClientAssertions {
    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Which `aud` an assertion may carry.
    pub fn audience(mut self, audience: AssertionAudience) -> Self {
        self.audience = audience;
        self
    }

    /// The `private_key_jwt` algorithms, in the order metadata lists them. FAPI 2.0 wants
    /// `PS256`, `ES256` or `EdDSA` only. An empty list switches `private_key_jwt` off.
    pub fn algorithms(mut self, algorithms: &[Algorithm]) -> Self {
        self.algorithms = algorithms.to_vec();
        self
    }

    /// Switches `client_secret_jwt` on: HMAC assertions keyed by each client's
    /// [`assertion_secret`](crate::model::OAuthClient::assertion_secret). Off by default,
    /// because the secret must be stored where the server can read it back.
    pub fn client_secret_jwt(mut self, on: bool) -> Self {
        self.client_secret_jwt = on;
        self
    }

    /// The longest an assertion may live: an `exp` further ahead is refused, which also
    /// bounds how long a `jti` is remembered.
    pub fn max_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_lifetime = lifetime;
        self
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat` (FAPI 2.0 accepts an `nbf` 8 s ahead).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// What fetches clients' `jwks_uri` documents: a
    /// [`SafeFetcher`](crate::fetch::SafeFetcher) (feature `fetch`) or any [`Fetch`]. Each set
    /// is kept 5 minutes, fetched again at most once a minute on an unknown `kid`.
    pub fn fetcher(mut self, fetcher: Arc<dyn Fetch>) -> Self {
        self.keys = Arc::new(keys::KeyCache::new(Some(fetcher)));
        self
    }

    /// The methods on, as metadata lists them (`token_endpoint_auth_methods_supported`).
    pub fn methods(&self) -> Vec<&'static str> {
        let mut methods = Vec::new();
        if !self.algorithms.is_empty() {
            methods.push("private_key_jwt");
        }
        if self.client_secret_jwt {
            methods.push("client_secret_jwt");
        }
        methods
    }

    /// The algorithms accepted, as metadata lists them
    /// (`token_endpoint_auth_signing_alg_values_supported`).
    pub fn signing_algorithms(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.algorithms.iter().map(|a| a.as_str()).collect();
        if self.client_secret_jwt {
            names.extend(verify::MAC_ALGORITHMS.iter().map(|(name, _)| *name));
        }
        names
    }
}

impl std::fmt::Debug for ClientAssertions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientAssertions")
            .field("audience", &self.audience)
            .field("algorithms", &self.algorithms)
            .field("client_secret_jwt", &self.client_secret_jwt)
            .field("max_lifetime", &self.max_lifetime)
            .field("leeway", &self.leeway)
            .finish_non_exhaustive()
    }
}
