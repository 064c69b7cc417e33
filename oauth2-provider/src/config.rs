//! Provider configuration, with RFC 9700 defaults.
//!
//! ```
//! use std::time::Duration;
//! use oauth2_provider::config::Config;
//! use oauth2_provider::grant::GrantType;
//!
//! let mut config = Config::default();
//! assert!(!config.grants.enabled(GrantType::Password)); // off by default (RFC 9700 §2.4)
//! config.grants.enable(GrantType::Password);
//! config.access_token_ttl = Duration::from_secs(600);
//! config.issuer = Some("https://auth.example.com".into());
//! ```

use std::time::Duration;

use crate::grant::GrantType;

/// Which grants the provider has switched on. Extension grants are on when served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnabledGrants(u8);

impl EnabledGrants {
    /// `true` if `grant` is on.
    pub const fn enabled(&self, grant: GrantType) -> bool {
        self.0 & grant.bit() != 0
    }

    /// Switches `grant` on.
    pub fn enable(&mut self, grant: GrantType) -> &mut Self {
        self.0 |= grant.bit();
        self
    }

    /// Switches `grant` off.
    pub fn disable(&mut self, grant: GrantType) -> &mut Self {
        self.0 &= !grant.bit();
        self
    }
}

impl Default for EnabledGrants {
    /// Authorization code, client credentials, refresh token and extensions; implicit and
    /// password are off (RFC 9700 §2.1.2, §2.4).
    fn default() -> Self {
        EnabledGrants(
            GrantType::AuthorizationCode.bit()
                | GrantType::ClientCredentials.bit()
                | GrantType::RefreshToken.bit()
                | GrantType::Extension("").bit(),
        )
    }
}

/// How a provider behaves. `Default` is the RFC 9700 posture.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// The issuer identifier (RFC 8414 §2): sent as `iss` on every authorization response
    /// (RFC 9207) when set.
    pub issuer: Option<String>,
    /// Access token lifetime. Default: 1 hour.
    pub access_token_ttl: Duration,
    /// Refresh token lifetime; `None` for refresh tokens that live until rotated or revoked.
    /// Default: 30 days.
    pub refresh_token_ttl: Option<Duration>,
    /// Authorization code lifetime. Default: 10 minutes (RFC 6749 §4.1.2).
    pub code_ttl: Duration,
    /// The grants switched on.
    pub grants: EnabledGrants,
    /// Accept `code_challenge_method=plain` (RFC 7636 §4.2). Default: off (RFC 9700 §2.1.1).
    pub allow_plain_pkce: bool,
    /// Require PKCE from confidential clients too (public clients always need it).
    /// Default: off.
    pub require_pkce_for_confidential: bool,
    /// The largest request body read, in bytes; larger is refused with 413. Default: 16 KiB.
    pub max_body_bytes: usize,
    /// The longest `state` accepted at the authorization endpoint, in bytes once decoded.
    /// Default: 2048.
    ///
    /// Every response to the client carries `state` back verbatim (RFC 6749 §4.1.2), so this
    /// bounds the redirect's `Location` header: at most three times this (percent-encoding),
    /// plus the registered redirect URI, the code and `iss`. A longer `state` cannot be echoed
    /// within that bound, so the request is refused with `invalid_request` shown to the user
    /// agent, never redirected.
    pub max_state_bytes: usize,
    /// Endpoint paths, used by `Server::handle` and the metadata document.
    pub paths: Paths,
}

/// Where each endpoint is served.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Paths {
    /// Authorization endpoint. Default: `/authorize`.
    pub authorize: String,
    /// Token endpoint. Default: `/token`.
    pub token: String,
    /// Revocation endpoint (RFC 7009). Default: `/revoke`.
    pub revoke: String,
    /// Introspection endpoint (RFC 7662). Default: `/introspect`.
    pub introspect: String,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            authorize: "/authorize".into(),
            token: "/token".into(),
            revoke: "/revoke".into(),
            introspect: "/introspect".into(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            issuer: None,
            access_token_ttl: Duration::from_secs(3600),
            refresh_token_ttl: Some(Duration::from_secs(30 * 24 * 3600)),
            code_ttl: Duration::from_secs(600),
            grants: EnabledGrants::default(),
            allow_plain_pkce: false,
            require_pkce_for_confidential: false,
            max_body_bytes: 16 * 1024,
            max_state_bytes: 2048,
            paths: Paths::default(),
        }
    }
}
