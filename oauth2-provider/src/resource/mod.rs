//! The resource-server side, without HTTP: validating an access token from anywhere — a hook,
//! a gRPC interceptor, a background job — with expiry, revocation, scope and audience checked
//! by the framework. [`Server::bearer`](crate::Server::bearer) and the framework adapters are
//! this over an `Authorization` header.
//!
//! ```
//! # use oauth2_provider::provider::{Provider, ScopeOf};
//! use oauth2_provider::resource::{self, Requirements, TokenError};
//!
//! /// In a hook, a job, anywhere the provider is at hand.
//! async fn may_write<P: Provider>(provider: &P, token: &str, write: ScopeOf<P>) -> bool {
//!     let needs = Requirements::scope(write).audience("https://api.example.com");
//!     match resource::validate(provider, token, &needs).await {
//!         Ok(valid) => true,
//!         Err(TokenError::Unavailable(_)) => false, // fail closed
//!         Err(_) => false,
//!     }
//! }
//! ```

#[cfg(feature = "jwt")]
mod jwt;
#[cfg(feature = "jwt")]
mod remote;

mod metadata;
mod servers;

#[cfg(feature = "jwt")]
pub use jwt::{AccessTokenClaims, JwtValidator};
pub use metadata::ProtectedResource;
#[cfg(feature = "jwt")]
pub use remote::{JwksSource, RemoteValidator};
pub(crate) use servers::canonical;
pub use servers::{ResourceError, ResourceServer, ResourceServerBuilder, ResourceServers};

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::error::{ErrorCode, OAuthError, StoreError};
use crate::model::{Confirmation, TokenHash, TokenModel};
use crate::provider::{Provider, ScopeOf};
use crate::scope::Scopes;
use crate::secret::ct_eq;
use crate::store::TokenStore;

/// The access token record of a provider.
pub type AccessOf<P> = <<P as Provider>::Tokens as TokenStore>::AccessToken;

/// What a token must carry to be accepted: every scope of a set, and an audience.
#[derive(Clone, Debug)]
pub struct Requirements<S> {
    scope: S,
    audience: Option<String>,
    resource_metadata: Option<String>,
    served_at: Option<String>,
    proven_key: Option<String>,
}

impl<S: Scopes> Requirements<S> {
    /// Any valid token, whatever its scope.
    pub fn any() -> Self {
        Requirements {
            scope: S::empty(),
            audience: None,
            resource_metadata: None,
            served_at: None,
            proven_key: None,
        }
    }

    /// A valid token carrying every scope of `scope`.
    pub fn scope(scope: S) -> Self {
        Requirements {
            scope,
            audience: None,
            resource_metadata: None,
            served_at: None,
            proven_key: None,
        }
    }

    /// And issued for `audience` (RFC 8707): a token restricted to other resources is refused.
    /// A token without an audience is accepted everywhere, as before resource indicators.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// And for the protected resource `resource` (RFC 9728): its identifier is the audience
    /// required, and a refusal's challenge names its metadata (`resource_metadata`, §5.1) and,
    /// in a 401, the scope required, so that a client with no token learns where to get one.
    ///
    /// ```
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[ScopeDef::single("read", 1)];
    /// #   const DEFAULT: u8 = 1; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::resource::{ProtectedResource, Requirements};
    ///
    /// let mcp = ProtectedResource::new("https://mcp.example.com/mcp")?
    ///     .authorization_server("https://auth.example.com");
    /// let needs = Requirements::scope(S(1)).for_resource(&mcp);
    /// assert_eq!(needs.resource_metadata(), Some(mcp.metadata_url()));
    /// # Ok::<(), oauth2_provider::resource::ResourceError>(())
    /// ```
    pub fn for_resource(mut self, resource: &ProtectedResource) -> Self {
        self.audience = Some(resource.resource().to_owned());
        self.resource_metadata = Some(resource.metadata_url().to_owned());
        self
    }

    /// And served at `origin` (such as `https://api.example.com`): the scheme, host and port
    /// a DPoP proof's `htu` must name, with the request's path (RFC 9449 §4.3 step 9). Without
    /// it, the origin of the audience when it is an `http(s)` URL, else the issuer's: never the
    /// `Host` header.
    ///
    /// ```
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::resource::Requirements;
    /// let needs = Requirements::<S>::any().served_at("https://api.example.com");
    /// assert_eq!(needs.origin(None).as_deref(), Some("https://api.example.com"));
    /// ```
    pub fn served_at(mut self, origin: impl Into<String>) -> Self {
        self.served_at = Some(origin.into());
        self
    }

    /// And presented by whoever proved possession of the key whose RFC 7638 thumbprint is
    /// `jkt` (a DPoP proof checked for this request): a token bound to a key (`cnf.jkt`) is
    /// accepted only with its own key's proof. [`Server::bearer_request`](crate::Server::bearer_request)
    /// sets it; set it yourself only after checking a proof
    /// ([`dpop::verify_proof`](crate::dpop::verify_proof), feature `jwt`).
    ///
    /// ```
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::resource::Requirements;
    /// let needs = Requirements::<S>::any().proven_key("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
    /// ```
    pub fn proven_key(mut self, jkt: impl Into<String>) -> Self {
        self.proven_key = Some(jkt.into());
        self
    }

    /// The origin a DPoP proof's `htu` names at this resource: [`served_at`](Self::served_at),
    /// else the audience's origin, else `issuer`'s.
    pub fn origin(&self, issuer: Option<&str>) -> Option<String> {
        let origin_of = |url: &str| {
            url::Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .map(|u| u.origin().ascii_serialization())
        };
        if let Some(origin) = &self.served_at {
            return origin_of(origin);
        }
        self.audience
            .as_deref()
            .and_then(origin_of)
            .or_else(|| issuer.and_then(origin_of))
    }

    /// The scope required.
    pub fn required_scope(&self) -> S {
        self.scope
    }

    /// The metadata URL a refusal names, from [`for_resource`](Self::for_resource).
    pub fn resource_metadata(&self) -> Option<&str> {
        self.resource_metadata.as_deref()
    }
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Unknown, expired or revoked (RFC 6750 §3.1 `invalid_token`).
    #[error("the access token is invalid or expired")]
    Invalid,
    /// Valid, but without every required scope (`insufficient_scope`).
    #[error("the access token lacks a required scope")]
    InsufficientScope,
    /// Valid, but for other resources (RFC 8707 §2; RFC 6750 `invalid_token`).
    #[error("the access token is not for this resource")]
    WrongAudience,
    /// Bound to a key (DPoP, `cnf.jkt`) and presented without a proof of it, or presented
    /// with a proof and bound to no key or another (RFC 9449 §7.1; `invalid_token`).
    #[error("the access token is not presented with proof of its key")]
    KeyMismatch,
    /// The store could not answer; refuse (fail closed).
    #[error("the token store is unavailable")]
    Unavailable(#[source] StoreError),
}

impl TokenError {
    /// The RFC 6750 §3.1 error to send.
    pub fn to_oauth_error(&self) -> OAuthError {
        match self {
            TokenError::Invalid => OAuthError::new(
                ErrorCode::InvalidToken,
                "the access token is invalid or expired",
            ),
            TokenError::InsufficientScope => OAuthError::new(
                ErrorCode::InsufficientScope,
                "the access token lacks a required scope",
            ),
            TokenError::WrongAudience => OAuthError::new(
                ErrorCode::InvalidToken,
                "the access token is not for this resource",
            ),
            TokenError::KeyMismatch => OAuthError::new(
                ErrorCode::InvalidToken,
                "the access token is not presented with proof of its key",
            ),
            TokenError::Unavailable(_) => OAuthError::new(
                ErrorCode::TemporarilyUnavailable,
                "the authorization server is temporarily unavailable",
            ),
        }
    }
}

/// A token that passed validation: its record, and what it was checked against.
pub struct Validated<P: Provider> {
    record: Arc<AccessOf<P>>,
}

impl<P: Provider> Validated<P> {
    /// The stored record: subject, client, scope, expiry, extras.
    pub fn record(&self) -> &Arc<AccessOf<P>> {
        &self.record
    }

    /// The resource owner, `None` for a client's own token.
    pub fn subject(&self) -> Option<&str> {
        self.record.subject()
    }

    /// The client the token was issued to.
    pub fn client_id(&self) -> &str {
        self.record.client_id()
    }

    /// The granted scope.
    pub fn scope(&self) -> ScopeOf<P> {
        self.record.scope()
    }

    /// `Ok` when the token also carries every scope of `scope`, for a handler that checks a
    /// second scope after the first.
    pub fn require(&self, scope: ScopeOf<P>) -> Result<(), TokenError> {
        if self.record.scope().contains(scope) {
            Ok(())
        } else {
            Err(TokenError::InsufficientScope)
        }
    }
}

impl<P: Provider> Clone for Validated<P> {
    fn clone(&self) -> Self {
        Validated {
            record: Arc::clone(&self.record),
        }
    }
}

impl<P: Provider> fmt::Debug for Validated<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validated")
            .field("client_id", &self.client_id())
            .field("subject", &self.subject())
            .field("scope", &self.scope())
            .finish_non_exhaustive()
    }
}

/// Validates the access token `token` (its raw value) against `requirements`: it must be
/// stored (not revoked), unexpired, carry every required scope and be for the audience; a
/// token bound to a DPoP key only with [`Requirements::proven_key`] naming that key, and a
/// token bound to none never with it.
pub async fn validate<P: Provider>(
    provider: &P,
    token: &str,
    requirements: &Requirements<ScopeOf<P>>,
) -> Result<Validated<P>, TokenError> {
    let record = provider
        .tokens()
        .find_access_token(&TokenHash::of(token))
        .await
        .map_err(|error| {
            crate::trace::store_failed(&error);
            TokenError::Unavailable(error)
        })?
        .filter(|record| !record.is_expired(SystemTime::now()))
        .ok_or(TokenError::Invalid)?;
    if let Some(audience) = &requirements.audience {
        let granted = record.extras().audience();
        if !granted.is_empty() && !granted.iter().any(|a| a == audience) {
            return Err(TokenError::WrongAudience);
        }
    }
    let bound = match record.extras().confirmation() {
        Some(Confirmation::JwkThumbprint(jkt)) => Some(jkt.as_str()),
        _ => None,
    };
    match (bound, requirements.proven_key.as_deref()) {
        (None, None) => {}
        (Some(bound), Some(proven)) if ct_eq(bound, proven) => {}
        _ => return Err(TokenError::KeyMismatch),
    }
    if !record.scope().contains(requirements.scope) {
        return Err(TokenError::InsufficientScope);
    }
    Ok(Validated { record })
}
