//! [`ConfigBuilder`]: a [`Config`] from the defaults, one setting at a time.

use std::time::Duration;

use super::{Config, Cors, GrantType, HashPool, Limits, Paths, RefreshGrace};

/// Builds a [`Config`] from the defaults; see [`Config::builder`].
#[derive(Clone, Debug)]
#[must_use = "call build() to get the Config"]
pub struct ConfigBuilder(pub(super) Config);

impl ConfigBuilder {
    /// The issuer identifier (RFC 8414 §2), sent as `iss` on authorization responses.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.0.issuer = Some(issuer.into());
        self
    }

    /// Access token lifetime.
    pub fn access_token_ttl(mut self, ttl: Duration) -> Self {
        self.0.access_token_ttl = ttl;
        self
    }

    /// Refresh token lifetime; `None` for refresh tokens that live until rotated or revoked.
    pub fn refresh_token_ttl(mut self, ttl: Option<Duration>) -> Self {
        self.0.refresh_token_ttl = ttl;
        self
    }

    /// Authorization code lifetime.
    pub fn code_ttl(mut self, ttl: Duration) -> Self {
        self.0.code_ttl = ttl;
        self
    }

    /// The absolute lifetime of a grant family, across every refresh.
    pub fn grant_lifetime(mut self, lifetime: Option<Duration>) -> Self {
        self.0.grant_lifetime = lifetime;
        self
    }

    /// Honours a rotated refresh token presented again within `grace`.
    pub fn refresh_grace(mut self, grace: RefreshGrace) -> Self {
        self.0.refresh_grace = grace;
        self
    }

    /// Switches off a grant the provider serves.
    pub fn disable(mut self, grant: GrantType) -> Self {
        self.0.grants.disable(grant);
        self
    }

    /// Accepts `code_challenge_method=plain` (RFC 7636 §4.2), which RFC 9700 §2.1.1 advises
    /// against.
    pub fn allow_plain_pkce(mut self, allow: bool) -> Self {
        self.0.allow_plain_pkce = allow;
        self
    }

    /// Requires PKCE from confidential clients too.
    pub fn require_pkce_for_confidential(mut self, require: bool) -> Self {
        self.0.require_pkce_for_confidential = require;
        self
    }

    /// Where argon2 checks run (threads, queue).
    pub fn hashing(mut self, pool: HashPool) -> Self {
        self.0.hashing = pool;
        self
    }

    /// The guess budgets ([`Limits::unlimited`] for none).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.0.limits = limits;
        self
    }

    /// The largest request body read, in bytes.
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.0.max_body_bytes = max;
        self
    }

    /// The longest `state` accepted, in bytes once decoded.
    pub fn max_state_bytes(mut self, max: usize) -> Self {
        self.0.max_state_bytes = max;
        self
    }

    /// Where each endpoint is served.
    pub fn paths(mut self, paths: Paths) -> Self {
        self.0.paths = paths;
        self
    }

    /// Accepts client ID metadata documents, fetched and cached by `documents`.
    #[cfg(feature = "cimd")]
    pub fn client_id_documents(mut self, documents: crate::cimd::ClientIdDocuments) -> Self {
        self.0.client_id_documents = Some(std::sync::Arc::new(documents));
        self
    }

    /// The web origins that may read the endpoints' answers (CORS).
    pub fn cors(mut self, cors: Cors) -> Self {
        self.0.cors = cors;
        self
    }

    /// Serves OpenID Connect with these keys and settings.
    #[cfg(feature = "jwt")]
    pub fn openid(mut self, openid: crate::oidc::OpenId) -> Self {
        self.0.openid = Some(openid);
        self
    }

    /// Checks DPoP proofs with these settings ([`crate::dpop`]).
    #[cfg(feature = "jwt")]
    pub fn dpop(mut self, dpop: crate::dpop::Dpop) -> Self {
        self.0.dpop = dpop;
        self
    }

    /// Verifies client assertions with this policy ([`crate::client_assertion`]).
    #[cfg(feature = "jwt")]
    pub fn client_assertions(mut self, policy: crate::client_assertion::ClientAssertions) -> Self {
        self.0.client_assertions = policy;
        self
    }

    /// Trusts these issuers' assertions in the JWT-bearer grant.
    #[cfg(feature = "jwt")]
    pub fn trusted_issuers(mut self, issuers: crate::grant::jwt_bearer::TrustedIssuers) -> Self {
        self.0.trusted_issuers = issuers;
        self
    }

    /// Serves dynamic client registration ([`crate::registration`]).
    pub fn registration(mut self, registration: crate::registration::Registration) -> Self {
        self.0.registration = Some(registration);
        self
    }

    /// The device authorization grant's settings (RFC 8628).
    pub fn device(mut self, device: crate::grant::DeviceFlow) -> Self {
        self.0.device = device;
        self
    }

    /// The configuration.
    pub fn build(self) -> Config {
        self.0
    }
}
