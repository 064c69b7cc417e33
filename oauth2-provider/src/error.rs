//! The closed table of OAuth 2.0 errors (RFC 6749 §4.1.2.1, §4.2.2.1, §5.2; RFC 6750 §3.1;
//! RFC 7009 §2.2.1) and the one place each becomes a status.
//!
//! ```
//! use oauth2_provider::error::{ErrorCode, OAuthError};
//!
//! let e = OAuthError::new(ErrorCode::InvalidGrant, "the code has expired");
//! assert_eq!(e.code().as_str(), "invalid_grant");
//! assert_eq!(e.code().token_status(), http::StatusCode::BAD_REQUEST);
//! ```

use std::borrow::Cow;

use http::StatusCode;

/// An OAuth 2.0 error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `invalid_request`: a missing, repeated or malformed parameter.
    InvalidRequest,
    /// `invalid_client`: client authentication failed.
    InvalidClient,
    /// `invalid_grant`: the code, refresh token or owner credentials are invalid, expired,
    /// revoked, or issued to another client or redirect URI.
    InvalidGrant,
    /// `unauthorized_client`: this client may not use this grant or response type.
    UnauthorizedClient,
    /// `unsupported_grant_type`: the provider does not serve this grant.
    UnsupportedGrantType,
    /// `invalid_scope`: unknown, malformed, or beyond what was granted.
    InvalidScope,
    /// `access_denied`: the owner or the provider said no.
    AccessDenied,
    /// `unsupported_response_type`: the provider does not serve this response type.
    UnsupportedResponseType,
    /// `server_error`: the provider failed.
    ServerError,
    /// `temporarily_unavailable`: the provider cannot answer now (its store is down).
    TemporarilyUnavailable,
    /// `invalid_token` (RFC 6750 §3.1): the bearer token is unknown, expired or revoked.
    InvalidToken,
    /// `insufficient_scope` (RFC 6750 §3.1).
    InsufficientScope,
    /// `unsupported_token_type` (RFC 7009 §2.2.1).
    UnsupportedTokenType,
    /// `invalid_target` (RFC 8707 §2): a `resource` is malformed, unknown, or not for this
    /// client.
    InvalidTarget,
    /// `login_required` (OpenID Connect Core §3.1.2.6): the end-user must sign in, and
    /// `prompt=none` forbids asking, or the sign-in was not fresh enough.
    LoginRequired,
    /// `consent_required` (§3.1.2.6): the end-user must consent, and `prompt=none` forbids asking.
    ConsentRequired,
    /// `interaction_required` (§3.1.2.6): some page must be shown, and `prompt=none` forbids it.
    InteractionRequired,
    /// `account_selection_required` (§3.1.2.6): the end-user must choose an account.
    AccountSelectionRequired,
    /// `request_not_supported` (§3.1.2.6): the `request` parameter is not served.
    RequestNotSupported,
    /// `request_uri_not_supported` (§3.1.2.6): the `request_uri` parameter is not served.
    RequestUriNotSupported,
    /// `invalid_redirect_uri` (RFC 7591 §3.2.2): a registered redirect URI is refused.
    InvalidRedirectUri,
    /// `invalid_client_metadata` (RFC 7591 §3.2.2): another registered member is refused.
    InvalidClientMetadata,
    /// `invalid_dpop_proof` (RFC 9449 §5, §7.1): the DPoP proof is missing where required,
    /// malformed, replayed, or not for this request or key.
    InvalidDpopProof,
    /// `use_dpop_nonce` (RFC 9449 §8): the proof must carry the server's nonce, sent in the
    /// `DPoP-Nonce` header of this response.
    UseDpopNonce,
    /// `authorization_pending` (RFC 8628 §3.5): the user has not approved or denied yet.
    AuthorizationPending,
    /// `slow_down` (RFC 8628 §3.5): polling faster than the interval, which grows by 5 s.
    SlowDown,
    /// `expired_token` (RFC 8628 §3.5): the device code expired before it was approved.
    ExpiredToken,
}

impl ErrorCode {
    /// The wire string.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ErrorCode::ServerError => "server_error",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::InsufficientScope => "insufficient_scope",
            ErrorCode::UnsupportedTokenType => "unsupported_token_type",
            ErrorCode::InvalidTarget => "invalid_target",
            ErrorCode::LoginRequired => "login_required",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::InteractionRequired => "interaction_required",
            ErrorCode::AccountSelectionRequired => "account_selection_required",
            ErrorCode::RequestNotSupported => "request_not_supported",
            ErrorCode::RequestUriNotSupported => "request_uri_not_supported",
            ErrorCode::InvalidRedirectUri => "invalid_redirect_uri",
            ErrorCode::InvalidClientMetadata => "invalid_client_metadata",
            ErrorCode::InvalidDpopProof => "invalid_dpop_proof",
            ErrorCode::UseDpopNonce => "use_dpop_nonce",
            ErrorCode::AuthorizationPending => "authorization_pending",
            ErrorCode::SlowDown => "slow_down",
            ErrorCode::ExpiredToken => "expired_token",
        }
    }

    /// The status of this error in a token-endpoint style JSON response (RFC 6749 §5.2).
    pub const fn token_status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidClient | ErrorCode::InvalidToken => StatusCode::UNAUTHORIZED,
            ErrorCode::InsufficientScope => StatusCode::FORBIDDEN,
            ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// An OAuth error as sent to a client: a code and a fixed, human-readable description.
///
/// The description is written by this crate or a hook author, never formatted from request
/// data or internal errors, so nothing leaks through it: [`new`](OAuthError::new) takes a
/// `&'static str`, and [`with_description`](OAuthError::with_description), for a text built at
/// run time, keeps only the RFC 6749 §5.2 character set (printable ASCII, no `"` or `\`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", code.as_str(), description)]
pub struct OAuthError {
    code: ErrorCode,
    description: Cow<'static, str>,
    /// Set for a throttled request: answered 429 with this `Retry-After`, in seconds.
    retry_after: Option<u64>,
}

impl OAuthError {
    /// An error with a description.
    pub const fn new(code: ErrorCode, description: &'static str) -> Self {
        OAuthError {
            code,
            description: Cow::Borrowed(description),
            retry_after: None,
        }
    }

    /// An error whose description is built at run time; only characters of the RFC 6749 §5.2
    /// set are kept, so the result is always a valid `error_description`.
    pub fn with_description(code: ErrorCode, description: impl Into<String>) -> Self {
        let mut description: String = description.into();
        description.retain(|c| matches!(c, '\x20'..='\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E'));
        OAuthError {
            code,
            description: Cow::Owned(description),
            retry_after: None,
        }
    }

    /// Too many attempts (see [`crate::limit`]): `temporarily_unavailable`, answered `429 Too
    /// Many Requests` with `Retry-After` (RFC 6585 §4) rather than 503.
    pub fn throttled(retry_after: std::time::Duration) -> Self {
        OAuthError {
            retry_after: Some(retry_after.as_secs().max(1)),
            ..Self::new(
                ErrorCode::TemporarilyUnavailable,
                "too many attempts; try again later",
            )
        }
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The HTTP status it is answered with at the token, revocation and introspection
    /// endpoints: the code's (RFC 6749 §5.2), or 429 for a [throttled](Self::throttled) one.
    pub fn status(&self) -> StatusCode {
        match self.retry_after {
            Some(_) => StatusCode::TOO_MANY_REQUESTS,
            None => self.code.token_status(),
        }
    }

    /// How many seconds a throttled request should wait.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// The `error_description`.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// `invalid_request` (400): a parameter missing, repeated or malformed.
    pub const fn invalid_request(description: &'static str) -> Self {
        Self::new(ErrorCode::InvalidRequest, description)
    }

    /// `invalid_grant` (400): the grant (a code, a refresh token, an assertion, credentials)
    /// is invalid, expired, revoked or not this client's.
    pub const fn invalid_grant(description: &'static str) -> Self {
        Self::new(ErrorCode::InvalidGrant, description)
    }

    /// `invalid_client` (401): client authentication failed; always the same description, so
    /// an unknown client and a wrong secret cannot be told apart.
    pub const fn invalid_client() -> Self {
        Self::new(ErrorCode::InvalidClient, "client authentication failed")
    }

    /// `login_required` (OpenID Connect Core §3.1.2.6), redirected to the client: what a
    /// `consent` hook answers a `prompt=none` request from a browser nobody is signed in on.
    pub const fn login_required() -> Self {
        Self::new(ErrorCode::LoginRequired, "the end-user is not signed in")
    }

    /// `consent_required` (§3.1.2.6): what a `consent` hook answers a `prompt=none` request
    /// whose scope the signed-in end-user has not approved before.
    pub const fn consent_required() -> Self {
        Self::new(ErrorCode::ConsentRequired, "the end-user has not consented")
    }

    /// `invalid_scope` (400): the requested scope is unknown, malformed or exceeds what may
    /// be granted.
    pub const fn invalid_scope(description: &'static str) -> Self {
        Self::new(ErrorCode::InvalidScope, description)
    }
}

/// A store failed. What failed is logged (a `tracing` error event, with this error's message);
/// a client sees only `temporarily_unavailable` (503) or `server_error` (500).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backing service cannot be reached; retrying later may succeed.
    #[error("store unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else: a constraint, a corrupt row, a bug.
    #[error("store failure: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The store does not do this: registering clients in a read-only client store.
    #[error("not supported by this store: {0}")]
    Unsupported(&'static str),
}

impl From<StoreError> for OAuthError {
    fn from(err: StoreError) -> Self {
        crate::trace::store_failed(&err);
        match err {
            StoreError::Unavailable(_) => OAuthError::new(
                ErrorCode::TemporarilyUnavailable,
                "the authorization server is temporarily unavailable",
            ),
            StoreError::Other(_) | StoreError::Unsupported(_) => {
                OAuthError::new(ErrorCode::ServerError, "the authorization server failed")
            }
        }
    }
}
