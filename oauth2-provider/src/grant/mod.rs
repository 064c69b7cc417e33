//! The grants of RFC 6749 as typed flows: a [`TokenRequest`] and an authenticated client in,
//! a [`TokenResponse`] or an [`OAuthError`] out. Nothing here touches HTTP beyond reading
//! request headers an extension grant may want.
//!
//! The `password` and `client_credentials` defaults are public so an overriding hook can wrap
//! them; the code and refresh exchanges are not overridable because their single-use guarantee
//! lives in the store's atomic exchange: customise them with the `before_issue` hook.

mod authorization_code;
mod client_credentials;
mod issue;
mod password;
mod refresh_token;

use std::fmt;

use http::HeaderMap;

pub(crate) use authorization_code::authorization_code;
pub use client_credentials::client_credentials;
pub use issue::TokenResponse;
pub(crate) use issue::issue;
pub use password::password;
pub(crate) use refresh_token::refresh_token;

use crate::error::OAuthError;
use crate::params::Params;
use crate::scope::Scope;

/// What a grant handler decided: for whom, with what scope.
///
/// ```
/// use oauth2_provider::grant::Grant;
/// # use oauth2_provider::scope::{Scope, ScopeDef};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scope for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// let grant = Grant::for_owner("alice", S(0));
/// assert!(grant.refresh_token);
/// let grant = Grant::for_client(S(0));
/// assert!(grant.subject.is_none() && !grant.refresh_token);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant<S> {
    /// The resource owner, `None` when the client acts for itself.
    pub subject: Option<String>,
    /// The scope granted; never wider than the client's allowed scope.
    pub scope: S,
    /// Issue a refresh token too, if the client and provider allow the refresh grant.
    pub refresh_token: bool,
}

impl<S> Grant<S> {
    /// A grant on behalf of a resource owner, with a refresh token.
    pub fn for_owner(subject: impl Into<String>, scope: S) -> Self {
        Grant {
            subject: Some(subject.into()),
            scope,
            refresh_token: true,
        }
    }

    /// A grant to the client itself, without a refresh token (RFC 6749 §4.4.3).
    pub fn for_client(scope: S) -> Self {
        Grant {
            subject: None,
            scope,
            refresh_token: false,
        }
    }
}

/// A parsed token request (RFC 6749 §3.2), as grant handlers see it.
pub struct TokenRequest<'a> {
    params: &'a Params<'a>,
    headers: &'a HeaderMap,
    grant_type: &'a str,
}

impl<'a> TokenRequest<'a> {
    pub(crate) fn new(params: &'a Params<'a>, headers: &'a HeaderMap, grant_type: &'a str) -> Self {
        TokenRequest {
            params,
            headers,
            grant_type,
        }
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

    /// The request headers.
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The scope to grant: the requested `scope` (unknown or malformed is `invalid_scope`), or
    /// the default scope when none was requested; in both cases within `allowed`.
    pub fn scope_within<S: Scope>(&self, allowed: S) -> Result<S, OAuthError> {
        resolve_scope(self.param("scope"), allowed)
    }
}

impl fmt::Debug for TokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("grant_type", &self.grant_type)
            .field("params", self.params)
            .finish_non_exhaustive()
    }
}

/// RFC 6749 §3.3: a requested scope must be known and allowed; an omitted one is the default,
/// cut to what is allowed.
pub(crate) fn resolve_scope<S: Scope>(
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
