//! The grants of RFC 6749 as typed flows: a parsed request and an authenticated client in, a
//! token response (or an authorization outcome) or an [`OAuthError`] out. Nothing here parses
//! HTTP; the endpoints do, and call the token endpoint's dispatch or the authorization
//! endpoint's flow here.
//!
//! The code and refresh exchanges are not overridable: their single-use guarantee lives in the
//! store's atomic exchange. Customise them with the `before_issue` hook; replace the password
//! and client-credentials handlers, or add extension grants (§8.3), through the `Provider`.

pub(crate) mod authorization;
mod authorization_code;
pub(crate) mod device;
mod grant_type;
mod implicit;
mod issue;
#[cfg(feature = "jwt")]
pub mod jwt_bearer;
pub(crate) mod pushed;
mod refresh_grace;
mod refresh_token;
mod resource;
pub mod token_exchange;

use std::fmt;
use std::net::IpAddr;

use http::HeaderMap;

pub use device::{DeviceFlow, DeviceRequest, format_user_code, normalize_user_code};
pub use grant_type::GrantType;
pub use issue::TokenResponse;
pub use pushed::REQUEST_URI_PREFIX;
pub use refresh_grace::RefreshGrace;

use crate::error::{ErrorCode, OAuthError};
use crate::model::{Extras, IntoSubject, OAuthClient};
use crate::params::Params;
use crate::provider::{ClientOf, Provider};
use crate::scope::Scopes;

/// What a grant handler decided: for whom, with what scope, and what the tokens carry.
///
/// ```
/// use oauth2_provider::grant::Grant;
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// let grant = Grant::for_owner("alice", S(0));
/// assert!(grant.refresh_token);
/// let grant = Grant::for_client(S(0));
/// assert!(grant.subject.is_none() && !grant.refresh_token);
/// let grant = Grant::for_owner("bob", S(0)).without_refresh_token();
/// assert!(!grant.refresh_token);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Grant<S> {
    /// The resource owner, `None` when the client acts for itself.
    pub subject: Option<String>,
    /// The scope granted. The runtime refuses to issue anything wider than the client's allowed
    /// scope (`invalid_scope`), whichever handler or hook produced it.
    pub scope: S,
    /// Issue a refresh token too, if the client and provider allow the refresh grant.
    pub refresh_token: bool,
    /// What the tokens carry beyond subject and scope: audience, confirmation key,
    /// authentication context.
    pub extras: Extras,
    /// Members the token response carries beside RFC 6749 §5.1's own (an extension grant's,
    /// such as RFC 8693's `issued_token_type`); see [`with_response_member`](Grant::with_response_member).
    pub response: serde_json::Map<String, serde_json::Value>,
}

impl<S> Grant<S> {
    /// A grant on behalf of a resource owner (`&user`, or its subject), with a refresh token.
    pub fn for_owner(owner: impl IntoSubject, scope: S) -> Self {
        Grant {
            subject: Some(owner.into_subject()),
            scope,
            refresh_token: true,
            extras: Extras::default(),
            response: serde_json::Map::new(),
        }
    }

    /// A grant to the client itself, without a refresh token (RFC 6749 §4.4.3).
    pub fn for_client(scope: S) -> Self {
        Grant {
            subject: None,
            scope,
            refresh_token: false,
            extras: Extras::default(),
            response: serde_json::Map::new(),
        }
    }

    /// The same grant, with a refresh token.
    pub fn with_refresh_token(mut self) -> Self {
        self.refresh_token = true;
        self
    }

    /// The same grant, without a refresh token.
    pub fn without_refresh_token(mut self) -> Self {
        self.refresh_token = false;
        self
    }

    /// The same grant, its tokens carrying `extras`.
    pub fn with_extras(mut self, extras: Extras) -> Self {
        self.extras = extras;
        self
    }

    /// The same grant, its token response carrying `name: value` too. The members RFC 6749
    /// §5.1 defines (`access_token`, `token_type`, `expires_in`, `refresh_token`, `scope`) are
    /// the runtime's and are never replaced.
    ///
    /// ```
    /// # use oauth2_provider::grant::Grant;
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// // RFC 8693 §2.2.1: a token exchange says what it issued.
    /// let grant = Grant::for_owner("alice", S(0)).with_response_member(
    ///     "issued_token_type",
    ///     "urn:ietf:params:oauth:token-type:access_token",
    /// );
    /// assert_eq!(grant.response["issued_token_type"], "urn:ietf:params:oauth:token-type:access_token");
    /// ```
    pub fn with_response_member(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.response.insert(name.into(), value.into());
        self
    }
}

/// A parsed token request (RFC 6749 §3.2), as grant handlers see it.
pub struct TokenRequest<'a> {
    params: &'a Params<'a>,
    headers: &'a HeaderMap,
    grant_type: &'a str,
    remote_addr: Option<IpAddr>,
    dpop_jkt: Option<&'a str>,
}

impl<'a> TokenRequest<'a> {
    pub(crate) fn new(
        params: &'a Params<'a>,
        headers: &'a HeaderMap,
        grant_type: &'a str,
        remote_addr: Option<IpAddr>,
    ) -> Self {
        TokenRequest {
            params,
            headers,
            grant_type,
            remote_addr,
            dpop_jkt: None,
        }
    }

    /// The same request, with a valid DPoP proof of the key whose thumbprint is `jkt`.
    pub(crate) fn with_dpop_jkt(mut self, jkt: Option<&'a str>) -> Self {
        self.dpop_jkt = jkt;
        self
    }

    /// The RFC 7638 thumbprint of the key of the request's DPoP proof (RFC 9449 §5), checked
    /// by the token endpoint: the key the tokens issued are bound to. `None` without a proof.
    ///
    /// ```
    /// # use oauth2_provider::grant::TokenRequest;
    /// fn bound(request: &TokenRequest<'_>) -> bool {
    ///     request.dpop_jkt().is_some()
    /// }
    /// ```
    pub fn dpop_jkt(&self) -> Option<&'a str> {
        self.dpop_jkt
    }

    /// Where the request came from, if known ([`RemoteAddr`](crate::endpoint::RemoteAddr)):
    /// what an own password grant passes to the `throttle` hook.
    pub fn remote_addr(&self) -> Option<IpAddr> {
        self.remote_addr
    }

    /// The `grant_type`.
    pub fn grant_type(&self) -> &str {
        self.grant_type
    }

    /// A body parameter, if sent with a value.
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.params.get(name)
    }

    /// A body parameter that must be present; `invalid_request` if it is not.
    pub fn required(&self, name: &str) -> Result<&'a str, OAuthError> {
        self.param(name).ok_or(OAuthError::invalid_request(
            "a required parameter is missing",
        ))
    }

    /// The `resource` parameters (RFC 8707 §2), in order. A handler that leaves its grant's
    /// audience empty gets the audience they name, checked against
    /// [`Provider::resources`].
    pub fn resources(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.params.all("resource")
    }

    /// The request headers.
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The scope to grant: the requested `scope` (unknown or malformed is `invalid_scope`), or
    /// the default scope when none was requested; in both cases within `allowed`.
    pub fn scope_within<S: Scopes>(&self, allowed: S) -> Result<S, OAuthError> {
        resolve_scope(self.param("scope"), allowed)
    }
}

impl fmt::Debug for TokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("grant_type", &self.grant_type)
            .field("params", self.params)
            .field("dpop_jkt", &self.dpop_jkt)
            .finish_non_exhaustive()
    }
}

/// RFC 6749 §3.3: a requested scope must be known and allowed; an omitted one is the default,
/// cut to what is allowed.
pub(crate) fn resolve_scope<S: Scopes>(
    requested: Option<&str>,
    allowed: S,
) -> Result<S, OAuthError> {
    match requested {
        None => Ok(S::default_scope().intersection(allowed)),
        Some(s) => {
            let scope = S::parse(s).map_err(|_| {
                OAuthError::invalid_scope("the requested scope is unknown or malformed")
            })?;
            if !allowed.contains(scope) {
                return Err(OAuthError::invalid_scope(
                    "the requested scope exceeds what the client may be granted",
                ));
            }
            Ok(scope)
        }
    }
}

/// `true` when `provider` serves `grant` and its configuration has it switched on (and, for
/// the device grant, it has a state store to keep the flows in).
pub(crate) fn is_on<P: Provider>(provider: &P, grant: GrantType) -> bool {
    provider.config().grants.enabled(grant)
        && provider.grant_types().contains(&grant)
        && (grant != GrantType::DeviceCode || provider.state_store().is_some())
}

/// The grant a `grant_type` value names, if `provider` serves it and has it switched on.
pub(crate) fn dispatch<P: Provider>(provider: &P, name: &str) -> Option<GrantType> {
    let grant = *provider.grant_types().iter().find(|g| g.as_str() == name)?;
    provider.config().grants.enabled(grant).then_some(grant)
}

fn unsupported() -> OAuthError {
    OAuthError::new(
        ErrorCode::UnsupportedGrantType,
        "the grant type is not supported",
    )
}

/// The grant a token request names, checked against the provider's table before the client is
/// authenticated: an unsupported grant type costs no secret check.
pub(crate) fn served<P: Provider>(provider: &P, name: &str) -> Result<GrantType, OAuthError> {
    dispatch(provider, name).ok_or_else(unsupported)
}

/// The token endpoint's dispatch (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6, §8.3): runs `grant_type`
/// for an authenticated `client`. The scope ceiling holds for every grant: whatever a handler
/// or `before_issue` decides, nothing wider than the client's allowed scope is issued.
pub(crate) async fn exchange<P: Provider>(
    provider: &P,
    grant_type: GrantType,
    request: &TokenRequest<'_>,
    client: &ClientOf<P>,
) -> Result<TokenResponse, OAuthError> {
    if !client.allows_grant_type(grant_type.as_str()) {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "the client may not use this grant type",
        ));
    }
    let mut granted = match grant_type {
        GrantType::AuthorizationCode => {
            return authorization_code::exchange(provider, request, client).await;
        }
        GrantType::RefreshToken => return refresh_token::rotate(provider, request, client).await,
        GrantType::DeviceCode => return device::poll::exchange(provider, request, client).await,
        GrantType::Password => provider.password_grant(request, client).await?,
        GrantType::ClientCredentials => provider.client_credentials_grant(request, client).await?,
        GrantType::Extension(name) => provider.extension_grant(name, request, client).await?,
        // The implicit grant has no token request (RFC 6749 §4.2).
        GrantType::Implicit => return Err(unsupported()),
    };
    // RFC 8707 §2: what a handler did not bind, the request's resource indicators do.
    if granted.extras.audience().is_empty() {
        let audience = resource::requested(provider, client, request.params, granted.scope)?;
        if !audience.is_empty() {
            granted.extras = std::mem::take(&mut granted.extras).with_audience(audience);
        }
    }
    issue::Issuance::new(provider, client, grant_type)
        .bound_to(request.dpop_jkt())
        .issue(granted)
        .await
}
