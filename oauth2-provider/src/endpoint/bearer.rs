//! The resource-server side: validating a bearer token (RFC 6750 §2.1) and its scope, and the
//! RFC 6750 §3 challenge when that fails.
//!
//! ```
//! # use oauth2_provider::endpoint::Server;
//! # use oauth2_provider::provider::{Provider, ScopeOf};
//! # async fn api<P: Provider>(server: &Server<P>, req: http::Request<()>, needed: ScopeOf<P>) -> http::Response<bytes::Bytes> {
//! match server.bearer(req.headers(), needed).await {
//!     Ok(token) => { /* serve the resource for this token */ http::Response::default() }
//!     Err(rejection) => rejection.into_response(),
//! }
//! # }
//! ```

use bytes::Bytes;
use http::header::{AUTHORIZATION, CACHE_CONTROL, HeaderValue, WWW_AUTHENTICATE};
use http::{HeaderMap, Response, StatusCode};

use super::Server;
use crate::error::{ErrorCode, OAuthError};
use crate::provider::{Provider, ScopeOf};
use crate::resource::{self, Requirements, TokenError, Validated};
use crate::scope::Scopes;

/// Why a request to a protected resource was refused.
#[derive(Debug)]
pub struct BearerRejection {
    error: Option<OAuthError>,
    scope: Option<String>,
    resource_metadata: Option<String>,
    /// The `algs` of a `DPoP` challenge (RFC 9449 §7.1), for a request that used that scheme.
    dpop_algs: Option<String>,
}

impl std::fmt::Display for BearerRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.error {
            None => f.write_str("no bearer token"),
            Some(error) => write!(f, "bearer token refused: {}", error.code().as_str()),
        }
    }
}

impl BearerRejection {
    /// The RFC 6750 error; `None` when the request carried no credentials at all (§3.1: then
    /// the challenge names no error).
    pub fn error(&self) -> Option<&OAuthError> {
        self.error.as_ref()
    }

    /// The response: 400, 401 or 403 with `WWW-Authenticate: Bearer ...`, or `DPoP ...` for a
    /// request with the `DPoP` scheme (503 or 500 when the store failed).
    pub fn into_response(self) -> Response<Bytes> {
        self.response()
    }

    /// The status [`into_response`](Self::into_response) answers with.
    pub fn status(&self) -> StatusCode {
        match &self.error {
            None => StatusCode::UNAUTHORIZED,
            // RFC 9449 §7.1: a resource answers a bad proof as it answers a bad token.
            Some(error) if error.code() == ErrorCode::InvalidDpopProof => StatusCode::UNAUTHORIZED,
            Some(error) => error.status(),
        }
    }

    pub(crate) fn response(&self) -> Response<Bytes> {
        let scheme = if self.dpop_algs.is_some() {
            "DPoP"
        } else {
            "Bearer"
        };
        let mut challenge = format!("{scheme} realm=\"oauth2\"");
        if let Some(error) = &self.error {
            challenge.push_str(&format!(", error=\"{}\"", error.code().as_str()));
            if !error.description().is_empty() {
                challenge.push_str(&format!(", error_description=\"{}\"", error.description()));
            }
        }
        if let Some(scope) = &self.scope {
            challenge.push_str(&format!(", scope=\"{scope}\""));
        }
        // A URL from the resource's own configuration; one with a `"` would end the
        // quoted-string early, so such a URL is left out rather than sent broken.
        if let Some(url) = self
            .resource_metadata
            .as_deref()
            .filter(|u| !u.contains('"'))
        {
            challenge.push_str(&format!(", resource_metadata=\"{url}\""));
        }
        if let Some(algs) = &self.dpop_algs {
            challenge.push_str(&format!(", algs=\"{algs}\""));
        }
        let mut response = Response::new(Bytes::new());
        *response.status_mut() = self.status();
        // Descriptions and scope tokens exclude `"` and `\` and control characters by
        // construction, so the header is always valid.
        if let Ok(value) = HeaderValue::try_from(challenge) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        super::response::with_retry_after(response)
    }

    fn new(code: ErrorCode, description: &'static str) -> Self {
        Self::of(OAuthError::new(code, description))
    }

    fn of(error: OAuthError) -> Self {
        BearerRejection {
            error: Some(error),
            scope: None,
            resource_metadata: None,
            dpop_algs: None,
        }
    }

    /// The same rejection, challenging with the `DPoP` scheme and these `algs` (RFC 9449 §7.1).
    #[cfg(feature = "jwt")]
    pub(crate) fn with_dpop(mut self, algs: String) -> Self {
        self.dpop_algs = Some(algs);
        self
    }

    /// The rejection for `error` (any [`OAuthError`], such as a DPoP proof's).
    #[cfg(feature = "jwt")]
    pub(crate) fn from_error(error: OAuthError) -> Self {
        Self::of(error)
    }

    /// `invalid_token` (401): unknown, expired or revoked. For resource servers that validate
    /// some other way, such as introspection.
    pub fn invalid_token() -> Self {
        Self::new(
            ErrorCode::InvalidToken,
            "the access token is invalid or expired",
        )
    }

    /// `insufficient_scope` (403), naming the scope the resource needs.
    pub fn insufficient_scope<S: Scopes>(required: S) -> Self {
        BearerRejection {
            scope: Some(required.to_scope_string()),
            ..Self::new(
                ErrorCode::InsufficientScope,
                "the access token lacks a required scope",
            )
        }
    }

    /// The rejection for a refused token: `insufficient_scope` names `required`.
    pub fn refusing<S: Scopes>(error: &TokenError, required: S) -> Self {
        match error {
            TokenError::InsufficientScope => Self::insufficient_scope(required),
            other => Self::of(other.to_oauth_error()),
        }
    }

    /// The rejection as the protected resource of `requirements` answers it (RFC 9728 §5.1):
    /// naming its metadata and, in a 401, the scope a token needs.
    pub fn for_requirements<S: Scopes>(mut self, requirements: &Requirements<S>) -> Self {
        let Some(url) = requirements.resource_metadata() else {
            return self;
        };
        self.resource_metadata = Some(url.to_owned());
        let required = requirements.required_scope();
        if self.status() == StatusCode::UNAUTHORIZED && self.scope.is_none() && !required.is_empty()
        {
            self.scope = Some(required.to_scope_string());
        }
        self
    }

    /// `invalid_request` (400): an `Authorization` header that is not a bearer token.
    pub(crate) fn malformed() -> Self {
        Self::new(
            ErrorCode::InvalidRequest,
            "the Authorization header is not a bearer token",
        )
    }

    /// `server_error` (500): the application is set up wrong (an adapter found no server).
    #[cfg(feature = "actix")]
    pub(crate) fn misconfigured() -> Self {
        Self::new(
            ErrorCode::ServerError,
            "the resource server is misconfigured",
        )
    }

    /// The rejection for a store failure (503 or 500).
    pub fn unavailable() -> Self {
        Self::new(
            ErrorCode::TemporarilyUnavailable,
            "the authorization server is temporarily unavailable",
        )
    }
}

/// The bearer token of a request (RFC 6750 §2.1): exactly one `Authorization: Bearer` header
/// with a well-formed token. No credentials at all gives the bare challenge (§3.1).
///
/// ```
/// use http::HeaderMap;
/// use oauth2_provider::endpoint::bearer::extract;
///
/// let mut headers = HeaderMap::new();
/// assert!(extract(&headers).unwrap_err().error().is_none());
/// headers.insert("authorization", "Bearer mF_9.B5f-4.1JqM".parse().unwrap());
/// assert_eq!(extract(&headers).unwrap(), "mF_9.B5f-4.1JqM");
/// ```
pub fn extract(headers: &HeaderMap) -> Result<&str, BearerRejection> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    match (values.next(), values.next()) {
        (None, _) => Err(BearerRejection {
            error: None,
            scope: None,
            resource_metadata: None,
            dpop_algs: None,
        }),
        (Some(value), None) => {
            scheme_token(value.as_bytes(), b"bearer ").ok_or_else(BearerRejection::malformed)
        }
        (Some(_), Some(_)) => Err(BearerRejection::new(
            ErrorCode::InvalidRequest,
            "more than one Authorization header",
        )),
    }
}

impl<P: Provider> Server<P> {
    /// Validates the bearer token in `headers` and checks it carries every scope of `required`.
    pub async fn bearer(
        &self,
        headers: &HeaderMap,
        required: ScopeOf<P>,
    ) -> Result<Validated<P>, BearerRejection> {
        self.bearer_with(headers, &Requirements::scope(required))
            .await
    }

    /// Validates the access token of the request `parts` against `requirements`: a bearer
    /// token as [`bearer_with`](Self::bearer_with) does, or (feature `jwt`) an
    /// `Authorization: DPoP` token with its `DPoP` proof (RFC 9449 §7), whose `htm` is the
    /// request's method and `htu` the request's path at
    /// [`Requirements::origin`](crate::resource::Requirements::origin), whose `ath` is the
    /// token's hash, whose key is the token's, and whose `jti` is new. A DPoP-bound token sent
    /// as `Bearer` is refused (`invalid_token`); a bad proof is 401 `invalid_dpop_proof` with a
    /// `DPoP` challenge naming the allowed `algs`.
    ///
    /// ```
    /// # use oauth2_provider::endpoint::Server;
    /// # use oauth2_provider::provider::Provider;
    /// # use oauth2_provider::resource::Requirements;
    /// # async fn api<P: Provider>(server: &Server<P>, req: http::Request<()>) -> http::Response<bytes::Bytes> {
    /// let (parts, _body) = req.into_parts();
    /// let needs = Requirements::any().served_at("https://api.example.com");
    /// match server.bearer_request(&parts, &needs).await {
    ///     Ok(token) => http::Response::default(),
    ///     Err(rejection) => rejection.into_response(),
    /// }
    /// # }
    /// ```
    pub async fn bearer_request(
        &self,
        parts: &http::request::Parts,
        requirements: &Requirements<ScopeOf<P>>,
    ) -> Result<Validated<P>, BearerRejection> {
        #[cfg(feature = "jwt")]
        if let Some(token) = dpop_token(&parts.headers) {
            return crate::dpop::resource::validate(self.provider(), parts, token, requirements)
                .await
                .map_err(|r| r.for_requirements(requirements));
        }
        self.bearer_with(&parts.headers, requirements).await
    }

    /// Validates the bearer token in `headers` against `requirements` (scope, audience). A
    /// DPoP-bound token is refused here: its proof needs the request's method and URI
    /// ([`bearer_request`](Self::bearer_request)).
    pub async fn bearer_with(
        &self,
        headers: &HeaderMap,
        requirements: &Requirements<ScopeOf<P>>,
    ) -> Result<Validated<P>, BearerRejection> {
        let token = extract(headers).map_err(|r| r.for_requirements(requirements))?;
        resource::validate(self.provider(), token, requirements)
            .await
            .map_err(|error| {
                BearerRejection::refusing(&error, requirements.required_scope())
                    .for_requirements(requirements)
            })
    }

    /// Validates `token` (its raw value) against `requirements`, outside any HTTP request: the
    /// same as [`resource::validate`] on this server's provider.
    pub async fn validate(
        &self,
        token: &str,
        requirements: &Requirements<ScopeOf<P>>,
    ) -> Result<Validated<P>, TokenError> {
        resource::validate(self.provider(), token, requirements).await
    }
}

/// The token of the one `Authorization: DPoP <token68>` header, if that is what `headers`
/// carry (RFC 9449 §7.1).
#[cfg(feature = "jwt")]
fn dpop_token(headers: &HeaderMap) -> Option<&str> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => scheme_token(value.as_bytes(), b"dpop "),
        _ => None,
    }
}

/// `<scheme> <b64token>` (RFC 6750 §2.1, RFC 9449 §7.1), `scheme` in lower case with its
/// space; the scheme is case-insensitive.
fn scheme_token<'a>(header: &'a [u8], scheme: &[u8]) -> Option<&'a str> {
    let (sent, token) = header.split_at_checked(scheme.len())?;
    if !sent.eq_ignore_ascii_case(scheme) {
        return None;
    }
    let start = token.iter().position(|&b| b != b' ')?;
    let end = token.iter().rposition(|&b| b != b' ')? + 1;
    let token = &token[start..end];
    let padding = token.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &token[..token.len() - padding];
    if body.is_empty() || !body.iter().all(|&b| B64TOKEN[usize::from(b)]) {
        return None;
    }
    // All ASCII by now, so this cannot fail.
    std::str::from_utf8(token).ok()
}

/// The b64token alphabet (RFC 6750 §2.1), as a table: every validation scans a whole token.
const B64TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'+' | b'/');
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::scheme_token;

    fn bearer_token(header: &[u8]) -> Option<&str> {
        scheme_token(header, b"bearer ")
    }

    #[test]
    fn b64token_syntax() {
        assert_eq!(bearer_token(b"Bearer abc-._~+/=="), Some("abc-._~+/=="));
        assert_eq!(bearer_token(b"bearer abc"), Some("abc"));
        assert_eq!(bearer_token(b"Bearer "), None);
        assert_eq!(bearer_token(b"Bearer a b"), None);
        assert_eq!(bearer_token(b"Basic abc"), None);
        assert_eq!(bearer_token(b"Bearer ="), None);
        assert_eq!(bearer_token(b"Bearer    "), None);
        assert_eq!(bearer_token(b"Bearer  abc  "), Some("abc"));
        assert_eq!(bearer_token(b"Bearer \tabc"), None);
        assert_eq!(bearer_token(b"Bearer ab\xc3\xa9"), None);
        assert_eq!(bearer_token(b"Bearer a=b"), None);
    }
}
