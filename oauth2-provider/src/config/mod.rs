//! Provider configuration, with RFC 9700 defaults.
//!
//! The grants a provider serves are its own table (`grants(...)` of the `#[provider]` macro, or
//! [`Provider::grant_types`](crate::Provider::grant_types)); the configuration can only switch
//! one of them off, for instance for one deployment.
//!
//! ```
//! use std::time::Duration;
//! use oauth2_provider::config::Config;
//! use oauth2_provider::grant::GrantType;
//!
//! let config = Config::builder()
//!     .issuer("https://auth.example.com")
//!     .access_token_ttl(Duration::from_secs(600))
//!     .disable(GrantType::ClientCredentials)
//!     .build();
//! assert!(!config.grants.enabled(GrantType::ClientCredentials));
//! assert!(config.grants.enabled(GrantType::AuthorizationCode));
//!
//! // Or a struct literal over the defaults.
//! let config = Config {
//!     issuer: Some("https://auth.example.com".into()),
//!     ..Config::default()
//! };
//! # let _ = config;
//! ```

use std::time::Duration;

pub use crate::endpoint::Cors;
use crate::grant::GrantType;
pub use crate::grant::RefreshGrace;
use crate::limit::Limits;
use crate::secret::HashPool;

mod builder;

pub use builder::ConfigBuilder;

/// Which of the grants a provider serves are switched on: all of them unless switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnabledGrants(u8);

impl EnabledGrants {
    /// `true` if `grant` is on.
    pub const fn enabled(&self, grant: GrantType) -> bool {
        self.0 & grant.bit() != 0
    }

    /// Switches `grant` back on (if the provider serves it).
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
    /// Every grant the provider serves. RFC 9700's advice against the implicit and password
    /// grants (§2.1.2, §2.4) is the provider's default table, which omits them.
    fn default() -> Self {
        EnabledGrants(u8::MAX)
    }
}

/// How a provider behaves. `Default` is the RFC 9700 posture; [`Config::builder`] or a struct
/// literal with `..Config::default()` changes what differs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The issuer identifier (RFC 8414 §2): sent as `iss` on every authorization response
    /// (RFC 9207) when set.
    pub issuer: Option<String>,
    /// Access token lifetime. Default: 1 hour.
    pub access_token_ttl: Duration,
    /// Refresh token lifetime; `None` for refresh tokens that live until rotated or revoked.
    /// Default: 30 days.
    pub refresh_token_ttl: Option<Duration>,
    /// How long a pushed authorization request lives (RFC 9126 §2.2). Default: 60 s.
    pub par_lifetime: Duration,
    /// Every authorization request must be pushed (RFC 9126 §5); a client may ask for it alone
    /// ([`OAuthClient::requires_pushed_requests`](crate::model::OAuthClient::requires_pushed_requests)).
    /// Default: off.
    pub require_par: bool,
    /// Authorization code lifetime. Default: 10 minutes (RFC 6749 §4.1.2).
    pub code_ttl: Duration,
    /// The longest a grant family lives from its first token, however often it is refreshed:
    /// no refresh token outlives it, and a refresh after it is `invalid_grant`. `None`: a
    /// family lives as long as it keeps being refreshed. Default: `None`.
    pub grant_lifetime: Option<Duration>,
    /// Which of the provider's grants are on. Default: all of them.
    pub grants: EnabledGrants,
    /// Whether a rotated refresh token presented again soon after is honoured (RFC 9700
    /// §4.14.2), unless a client says otherwise
    /// ([`OAuthClient::refresh_grace`](crate::model::OAuthClient::refresh_grace)). Default:
    /// strict, every replay revokes the family.
    pub refresh_grace: RefreshGrace,
    /// Accept `code_challenge_method=plain` (RFC 7636 §4.2). Default: off (RFC 9700 §2.1.1).
    pub allow_plain_pkce: bool,
    /// Require PKCE from confidential clients too (public clients always need it).
    /// Default: off.
    pub require_pkce_for_confidential: bool,
    /// Let a registered `http://localhost` redirect URI take any port, as RFC 8252 §7.3 lets
    /// `127.0.0.1` and `[::1]` ([`redirect_uri::matches_with`](crate::redirect_uri::matches_with)):
    /// for MCP clients, whose metadata documents list `localhost`. Default: off.
    pub localhost_any_port: bool,
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
    /// Where argon2 checks of client secrets run: off the async executor, bounded. Default:
    /// half the cores, four waiting checks per thread; beyond that a fast 503.
    pub hashing: HashPool,
    /// The guess budgets the default [`throttle`](crate::Provider::throttle) hook draws on:
    /// per client id, per username, per source address. Default: [`Limits::default`].
    pub limits: Limits,
    /// The web origins that may read the token, revocation, registration and UserInfo
    /// endpoints' answers (CORS). Default: every origin ([`Cors::AnyOrigin`]).
    pub cors: Cors,
    /// Client ID metadata documents (feature `cimd`): with them, a `client_id` that is an
    /// `https` URL is the client's own document, fetched, checked and cached
    /// ([`crate::cimd`]); `None` (the default): such an id is looked up like any other.
    #[cfg(feature = "cimd")]
    pub client_id_documents: Option<std::sync::Arc<crate::cimd::ClientIdDocuments>>,
    /// OpenID Connect: `None` (the default) serves OAuth 2.0 alone; with it, and an issuer,
    /// requests with the `openid` scope get ID tokens, and UserInfo, the JWK Set and the
    /// discovery document are served ([`crate::oidc`]).
    #[cfg(feature = "jwt")]
    pub openid: Option<crate::oidc::OpenId>,
    /// DPoP (RFC 9449, feature `jwt`): how proofs are checked, and whether the token endpoint
    /// requires server nonces ([`crate::dpop`]). A token request with a valid proof gets
    /// DPoP-bound tokens; one with an invalid proof gets none.
    #[cfg(feature = "jwt")]
    pub dpop: crate::dpop::Dpop,
    /// JWT client authentication, `private_key_jwt` and `client_secret_jwt` (feature `jwt`,
    /// [`crate::client_assertion`]): on for clients registered with a JWT method.
    #[cfg(feature = "jwt")]
    pub client_assertions: crate::client_assertion::ClientAssertions,
    /// The issuers whose assertions the JWT-bearer grant accepts (RFC 7523, the ID-JAG
    /// profile; feature `jwt`), when the provider serves
    /// [`jwt_bearer::GRANT_TYPE`](crate::grant::jwt_bearer::GRANT_TYPE). Default: none.
    #[cfg(feature = "jwt")]
    pub trusted_issuers: crate::grant::jwt_bearer::TrustedIssuers,
    /// Dynamic client registration (RFC 7591, RFC 7592): `None` (the default) serves none;
    /// with it, and an issuer, the endpoint at [`Paths::register`]
    /// ([`crate::registration`]).
    pub registration: Option<crate::registration::Registration>,
    /// The device authorization grant (RFC 8628): lifetimes, polling interval, the
    /// verification page's URI and the user-code guess budget. Used only when the provider
    /// serves [`GrantType::DeviceCode`].
    pub device: crate::grant::DeviceFlow,
}

/// Where each endpoint is served.
#[derive(Clone, Debug)]
pub struct Paths {
    /// Authorization endpoint. Default: `/authorize`.
    pub authorize: String,
    /// Token endpoint. Default: `/token`.
    pub token: String,
    /// Revocation endpoint (RFC 7009). Default: `/revoke`.
    pub revoke: String,
    /// Introspection endpoint (RFC 7662). Default: `/introspect`.
    pub introspect: String,
    /// Pushed authorization request endpoint (RFC 9126), served with a state store. Default:
    /// `/par`.
    pub par: String,
    /// UserInfo endpoint (OpenID Connect Core §5.3), served with OpenID Connect. Default:
    /// `/userinfo`.
    pub userinfo: String,
    /// The JWK Set (RFC 7517 §5), served with OpenID Connect. Default: `/jwks`.
    pub jwks: String,
    /// The registration endpoint (RFC 7591), and below it each client's configuration
    /// endpoint (RFC 7592), served with [`Config::registration`]. Default: `/register`.
    pub register: String,
    /// The device authorization endpoint (RFC 8628 §3.1), served with
    /// [`GrantType::DeviceCode`]. Default: `/device_authorization`.
    pub device_authorization: String,
    /// The application's own user-code page (RFC 8628 §3.3), which the runtime does not serve:
    /// the `verification_uri` is the issuer followed by this path, unless
    /// [`DeviceFlow::verification_uri`](crate::grant::DeviceFlow::verification_uri) says
    /// otherwise. Default: `/device`.
    pub device_verification: String,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            authorize: "/authorize".into(),
            token: "/token".into(),
            revoke: "/revoke".into(),
            introspect: "/introspect".into(),
            par: "/par".into(),
            userinfo: "/userinfo".into(),
            jwks: "/jwks".into(),
            register: "/register".into(),
            device_authorization: "/device_authorization".into(),
            device_verification: "/device".into(),
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
            par_lifetime: Duration::from_secs(60),
            require_par: false,
            grant_lifetime: None,
            grants: EnabledGrants::default(),
            refresh_grace: RefreshGrace::default(),
            allow_plain_pkce: false,
            require_pkce_for_confidential: false,
            localhost_any_port: false,
            max_body_bytes: 16 * 1024,
            max_state_bytes: 2048,
            paths: Paths::default(),
            hashing: HashPool::default(),
            limits: Limits::default(),
            cors: Cors::default(),
            #[cfg(feature = "cimd")]
            client_id_documents: None,
            #[cfg(feature = "jwt")]
            openid: None,
            #[cfg(feature = "jwt")]
            dpop: crate::dpop::Dpop::default(),
            #[cfg(feature = "jwt")]
            client_assertions: crate::client_assertion::ClientAssertions::default(),
            #[cfg(feature = "jwt")]
            trusted_issuers: Default::default(),
            registration: None,
            device: crate::grant::DeviceFlow::default(),
        }
    }
}

impl Config {
    /// The defaults, to change with the builder's methods.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder(Config::default())
    }
}
