//! Every response the endpoints build: JSON with the RFC 6749 §5.1 cache headers, errors (JSON,
//! or a page shown to the user agent), redirects. The resource server's challenge is in
//! [`bearer`](super::bearer).

use bytes::Bytes;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, CACHE_CONTROL, CONTENT_TYPE,
    HeaderValue, LOCATION, PRAGMA, RETRY_AFTER, WWW_AUTHENTICATE,
};
use http::{Response, StatusCode};
use serde::Serialize;

use crate::error::{ErrorCode, OAuthError};

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");

/// A JSON response with `Cache-Control: no-store` and `Pragma: no-cache`.
pub(crate) fn json(status: StatusCode, body: &impl Serialize) -> Response<Bytes> {
    match serde_json::to_vec(body) {
        Ok(body) => raw_json(status, Bytes::from(body)),
        Err(_) => raw_json(
            StatusCode::INTERNAL_SERVER_ERROR,
            Bytes::from_static(br#"{"error":"server_error"}"#),
        ),
    }
}

pub(crate) fn raw_json(status: StatusCode, body: Bytes) -> Response<Bytes> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, JSON);
    headers.insert(CACHE_CONTROL, NO_STORE);
    headers.insert(PRAGMA, NO_CACHE);
    with_retry_after(response)
}

/// How long a client should wait after a 503 or 429 (RFC 9110 §10.2.3): long enough for a
/// store to fail over or a burst to pass, short enough not to strand a user.
pub(crate) const RETRY_AFTER_SECONDS: u64 = 5;

/// `Retry-After` on a 503 or 429, whoever built it.
pub(crate) fn with_retry_after(mut response: Response<Bytes>) -> Response<Bytes> {
    if matches!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS
    ) {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    }
    response
}

/// An empty response with the cache headers, for endpoints whose success has no body
/// (RFC 7009 §2.2).
pub(crate) fn empty(status: StatusCode) -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = status;
    response.headers_mut().insert(CACHE_CONTROL, NO_STORE);
    response.headers_mut().insert(PRAGMA, NO_CACHE);
    response
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    error_description: &'a str,
}

/// An RFC 6749 §5.2 error response at `status`.
pub(crate) fn error_with_status(error: &OAuthError, status: StatusCode) -> Response<Bytes> {
    crate::trace::failed(error);
    let response = json(
        status,
        &ErrorBody {
            error: error.code().as_str(),
            error_description: error.description(),
        },
    );
    with_error_retry_after(response, error)
}

/// A throttled error's own wait, over the default `Retry-After`.
pub(super) fn with_error_retry_after(
    mut response: Response<Bytes>,
    error: &OAuthError,
) -> Response<Bytes> {
    if let Some(seconds) = error.retry_after() {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// An RFC 6749 §5.2 error response. A 401 (`invalid_client`) carries the `Basic` challenge
/// that §5.2 requires after HTTP Basic and RFC 9110 §15.5.2 requires on every 401.
pub(crate) fn error(error: &OAuthError) -> Response<Bytes> {
    let mut response = error_with_status(error, error.status());
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"oauth2\", charset=\"UTF-8\""),
        );
    }
    response
}

/// A redirect; `303 See Other` after a POST so the browser follows with a GET.
pub(crate) fn redirect(location: &str, after_post: bool) -> Response<Bytes> {
    let status = if after_post {
        StatusCode::SEE_OTHER
    } else {
        StatusCode::FOUND
    };
    match HeaderValue::try_from(location) {
        Ok(location) => {
            let mut response = Response::new(Bytes::new());
            *response.status_mut() = status;
            response.headers_mut().insert(LOCATION, location);
            response.headers_mut().insert(CACHE_CONTROL, NO_STORE);
            response
        }
        Err(_) => error(&OAuthError::new(
            ErrorCode::ServerError,
            "the redirect could not be built",
        )),
    }
}

/// 405 with `Allow`.
pub(crate) fn method_not_allowed(allow: &'static str) -> Response<Bytes> {
    let mut response = error_with_status(
        &OAuthError::invalid_request("the HTTP method is not allowed at this endpoint"),
        StatusCode::METHOD_NOT_ALLOWED,
    );
    response
        .headers_mut()
        .insert(http::header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// 413 for a body larger than the configured limit.
pub(crate) fn too_large() -> Response<Bytes> {
    error_with_status(
        &OAuthError::invalid_request("the request body is too large"),
        StatusCode::PAYLOAD_TOO_LARGE,
    )
}

/// The pages' policy after `default-src 'none'`: inline style only, no framing, no `<base>`.
macro_rules! page_policy_rest {
    () => {
        "style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    };
}

/// An HTML page with the headers every page of an authorization server carries: no caching,
/// no framing (clickjacking, RFC 6749 §10.13), no script or external resource, no referrer
/// (the query of an authorization request never leaks to another site).
///
/// ```
/// use http::StatusCode;
///
/// let page = oauth2_provider::endpoint::html_page(StatusCode::OK, "<h1>Sign in</h1>");
/// assert_eq!(page.headers()["x-frame-options"], "DENY");
/// assert_eq!(page.headers()["cache-control"], "no-store");
/// ```
pub fn html_page(status: StatusCode, body: impl Into<Bytes>) -> Response<Bytes> {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, NO_STORE);
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(concat!("default-src 'none'; ", page_policy_rest!())),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Lets a page made by [`html_page`] show images from `origins` (`img-src`), such as a client's
/// logo from the origins the application trusts, and nothing else. An origin is
/// `https://host[:port]` exactly (no path, no wildcard); any other entry is left out, so a
/// registered value can never widen the policy.
///
/// ```
/// use http::StatusCode;
/// use oauth2_provider::endpoint::{allow_images_from, html_page};
///
/// let mut page = html_page(StatusCode::OK, "<img src=\"https://cdn.example.com/logo.png\" alt=\"\">");
/// allow_images_from(&mut page, &["https://cdn.example.com", "https://evil.example/x; script-src *"]);
/// let csp = page.headers()["content-security-policy"].to_str().unwrap();
/// assert!(csp.contains("img-src https://cdn.example.com;"));
/// assert!(!csp.contains("evil"));
/// ```
pub fn allow_images_from(page: &mut Response<Bytes>, origins: &[&str]) {
    let allowed: Vec<&str> = origins
        .iter()
        .copied()
        .filter(|origin| {
            url::Url::parse(origin).is_ok_and(|url| {
                url.scheme() == "https" && url.origin().ascii_serialization() == *origin
            })
        })
        .collect();
    if allowed.is_empty() {
        return;
    }
    let csp = format!(
        "default-src 'none'; img-src {}; {}",
        allowed.join(" "),
        page_policy_rest!()
    );
    if let Ok(csp) = HeaderValue::try_from(csp) {
        page.headers_mut().insert("content-security-policy", csp);
    }
}

/// A response any origin may read, with the challenge and `Retry-After` readable too.
pub(crate) fn cors(mut response: Response<Bytes>) -> Response<Bytes> {
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("WWW-Authenticate, Retry-After, DPoP-Nonce"),
    );
    response
}

/// The answer to a CORS preflight (Fetch §3.2.2) for `methods`, with an `Authorization`
/// header.
pub(crate) fn preflight(methods: &'static str) -> Response<Bytes> {
    let mut response = empty(StatusCode::NO_CONTENT);
    let headers = response.headers_mut();
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    headers.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Authorization, Content-Type, DPoP"),
    );
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    response
}
