//! OpenID Connect (Core 1.0, Discovery 1.0) on top of the OAuth 2.0 endpoints: what an
//! authentication request asks beyond OAuth, and, with the feature `jwt` and
//! [`Config::openid`](crate::config::Config::openid) set, ID tokens, UserInfo, the JWK Set and
//! the discovery document.
//!
//! | spec | what | where |
//! |---|---|---|
//! | Core §3.1.2.1, §3.1.2.6 | `prompt`, `max_age`, hints, `display`, locales; `request` refused | [`OpenIdRequest`], [`Prompt`] |
//! | Core §3.1.2.3 | the approval's post-conditions: fresh sign-in, the hint's end-user | [`OpenIdRequest::fresh_enough`] |
//! | Core §2, §3.1.3.6, §12.2 | ID tokens from the code grant and on refresh, with `at_hash` | the token endpoint |
//! | Core §5.3, §5.4 | UserInfo; claims released by scope | [`Server::userinfo`](crate::Server::userinfo), [`Claims`](crate::model::Claims) |
//! | Core §10.1.1 | the JWK Set, rotation | [`Server::jwks`](crate::Server::jwks), [`Keyring`](crate::jose::Keyring) |
//! | Core §11 | `offline_access`: a refresh token only when it was granted | the token endpoint |
//! | Discovery §3, §4 | `/.well-known/openid-configuration` | [`Server::metadata`](crate::Server::metadata) |
//!
//! A request is an OpenID Connect one when OpenID Connect is configured and its scope holds
//! `openid`; the names `openid`, `offline_access`, `profile`, `email`, `address` and `phone`
//! mean what the spec says in any `#[scopes]` declaration that has them.
//!
//! ```
//! # #[cfg(feature = "jwt")] {
//! use std::time::SystemTime;
//! use oauth2_provider::config::Config;
//! use oauth2_provider::jose::{Algorithm, KeySet, Keyring, RotationPolicy};
//! use oauth2_provider::oidc::OpenId;
//!
//! let mut keys = KeySet::new();
//! keys.rotate(Algorithm::RS256, SystemTime::now(), &RotationPolicy::new()).unwrap();
//! let config = Config::builder()
//!     .issuer("https://auth.example.com")
//!     .openid(OpenId::new(Keyring::new(keys)))
//!     .build();
//! # let _ = config; }
//! ```

#[cfg(feature = "jwt")]
pub(crate) mod access_token;
#[cfg(feature = "jwt")]
mod config;
#[cfg(feature = "jwt")]
pub(crate) mod id_token;
mod request;
#[cfg(feature = "jwt")]
mod signing;

#[cfg(feature = "jwt")]
pub use config::OpenId;
pub use request::{Display, OpenIdRequest, Prompt};

use crate::config::Config;
use crate::error::OAuthError;
use crate::model::Extras;
use crate::params::Params;
use crate::scope::Scopes;

/// A time as a NumericDate (RFC 7519 §2): whole seconds since the epoch.
pub(crate) fn seconds(at: std::time::SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The scope value `name` of `S`, if its declaration has one.
pub(crate) fn scope_named<S: Scopes>(name: &str) -> Option<S> {
    S::parse(name).ok().filter(|scope| !scope.is_empty())
}

/// `true` when OpenID Connect is configured: keys and an issuer.
pub(crate) fn enabled(config: &Config) -> bool {
    #[cfg(feature = "jwt")]
    {
        config.openid.is_some() && config.issuer.is_some()
    }
    #[cfg(not(feature = "jwt"))]
    {
        let _ = config;
        false
    }
}

/// `true` when a request for `scope` is an OpenID Connect one.
pub(crate) fn requested<S: Scopes>(config: &Config, scope: S) -> bool {
    enabled(config) && scope_named::<S>("openid").is_some_and(|openid| scope.contains(openid))
}

/// `false` when §11 withholds the refresh token: an OpenID Connect grant without
/// `offline_access` (when the scopes declare it).
pub(crate) fn refresh_allowed<S: Scopes>(config: &Config, scope: S) -> bool {
    if !requested(config, scope) {
        return true;
    }
    scope_named::<S>("offline_access").is_none_or(|offline| scope.contains(offline))
}

/// The OpenID Connect parameters of an authorization request for `scope`, if it is one.
pub(crate) fn authentication_request<'a, S: Scopes>(
    config: &Config,
    params: &'a Params<'a>,
    scope: S,
) -> Result<Option<OpenIdRequest<'a>>, OAuthError> {
    if !requested(config, scope) {
        return Ok(None);
    }
    request::parse(params, config.max_state_bytes, |token| {
        hint_subject(config, token)
    })
    .map(Some)
}

/// The `sub` of `token` if it is an ID token this provider signed, expired or not (Core
/// §3.1.2.1 allows an expired hint).
fn hint_subject(config: &Config, token: &str) -> Option<String> {
    #[cfg(feature = "jwt")]
    {
        id_token::subject_of(config, token)
    }
    #[cfg(not(feature = "jwt"))]
    {
        let _ = (config, token);
        None
    }
}

/// The ID token issued beside `access_token` for a grant of `scope` to `subject`, when it is
/// an OpenID Connect grant; `nonce` only for the code grant's (Core §12.2).
pub(crate) fn id_token<S: Scopes>(
    config: &Config,
    client_id: &str,
    subject: Option<&str>,
    scope: S,
    extras: &Extras,
    nonce: Option<&str>,
    access_token: &str,
) -> Result<Option<String>, OAuthError> {
    let Some(subject) = subject.filter(|_| requested(config, scope)) else {
        return Ok(None);
    };
    #[cfg(feature = "jwt")]
    {
        let token = id_token::IdToken {
            client_id,
            subject,
            auth: extras.auth(),
            nonce,
            access_token,
        };
        id_token::sign(config, &token).map(Some)
    }
    #[cfg(not(feature = "jwt"))]
    {
        let _ = (client_id, subject, extras, nonce, access_token);
        Ok(None)
    }
}

/// The access token to issue: `opaque` (the encoded random bits) unless `client`'s format is
/// JWT, then an RFC 9068 token whose `jti` is those bits.
pub(crate) fn access_token<C: crate::model::OAuthClient>(
    config: &Config,
    client: &C,
    opaque: String,
    subject: Option<&str>,
    scope: &str,
    extras: &Extras,
    expires_at: std::time::SystemTime,
) -> Result<String, OAuthError> {
    #[cfg(feature = "jwt")]
    if access_token::format_of(config, client) == crate::model::TokenFormat::Jwt {
        let claims = access_token::AccessClaims {
            client_id: client.client_id(),
            subject,
            scope,
            extras,
            jti: &opaque,
            expires_at,
        };
        return access_token::sign(config, &claims);
    }
    let _ = (config, client, subject, scope, extras, expires_at);
    Ok(opaque)
}
