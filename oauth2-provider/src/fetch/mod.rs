//! Outbound HTTP behind a trait: what the provider uses when it must read a document another
//! party publishes (a client ID metadata document, [`crate::cimd`]; later a client's
//! `jwks_uri`).
//!
//! The core names no HTTP client: [`Fetch`] is the whole contract, and any client can stand
//! behind it. [`SafeFetcher`] (feature `fetch`) is the SSRF-hardened default over reqwest:
//! https only, no redirects, every resolved address public and the connection pinned to it,
//! bounded size, time and concurrency.
//!
//! The trait is dyn-compatible, so a configuration can hold an `Arc<dyn Fetch>`; a fetch is
//! rare and cached, so its boxed future costs nothing that matters.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

mod addr;
#[cfg(feature = "fetch")]
mod safe;

pub use addr::is_public;
#[cfg(feature = "fetch")]
pub use safe::{SafeFetcher, SafeFetcherBuilder};

/// The boxed future a [`Fetch`] answers with.
pub type FetchFuture<'a> = Pin<Box<dyn Future<Output = Result<Fetched, FetchError>> + Send + 'a>>;

/// One GET of a URL, within [`Limits`].
///
/// An implementation must not follow redirects (a 3xx is [`FetchError::Redirect`]), must
/// stop reading the body at [`Limits::max_bytes`] ([`FetchError::TooLarge`]) and must give up
/// after [`Limits::timeout`] ([`FetchError::Timeout`]); any other status is returned as
/// fetched, for the caller to judge. Whether an address may be reached is the
/// implementation's policy: [`SafeFetcher`] refuses every non-public one.
///
/// ```
/// use oauth2_provider::fetch::{Fetch, FetchError, FetchFuture, Fetched, Limits};
///
/// /// Serves one fixed document, whatever is asked: a test double.
/// struct Fixed(&'static str);
///
/// impl Fetch for Fixed {
///     fn get<'a>(&'a self, _url: &'a url::Url, _accept: &'a str, limits: Limits) -> FetchFuture<'a> {
///         Box::pin(async move {
///             if self.0.len() > limits.max_bytes {
///                 return Err(FetchError::TooLarge);
///             }
///             Ok(Fetched::json(http::StatusCode::OK, self.0))
///         })
///     }
/// }
/// let fetcher: std::sync::Arc<dyn Fetch> = std::sync::Arc::new(Fixed("{}"));
/// # let _ = fetcher;
/// ```
pub trait Fetch: Send + Sync + 'static {
    /// GETs `url`, asking for `accept` (the `Accept` header).
    fn get<'a>(&'a self, url: &'a url::Url, accept: &'a str, limits: Limits) -> FetchFuture<'a>;
}

impl<F: Fetch + ?Sized> Fetch for Arc<F> {
    fn get<'a>(&'a self, url: &'a url::Url, accept: &'a str, limits: Limits) -> FetchFuture<'a> {
        (**self).get(url, accept, limits)
    }
}

/// How much one fetch may take: the body's size and the whole exchange's time (name
/// resolution, connection, TLS, headers and body).
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::fetch::Limits;
///
/// let limits = Limits { max_bytes: 16 * 1024, timeout: Duration::from_secs(5) };
/// assert_eq!(limits, Limits::default());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest body accepted, in bytes; one byte more is [`FetchError::TooLarge`].
    pub max_bytes: usize,
    /// The time the whole fetch may take.
    pub timeout: Duration,
}

impl Default for Limits {
    /// 16 KiB and 5 s, django-oauth-toolkit's limits for client metadata documents.
    fn default() -> Self {
        Limits {
            max_bytes: 16 * 1024,
            timeout: Duration::from_secs(5),
        }
    }
}

/// A response, read whole (within [`Limits`]).
#[derive(Clone, Debug)]
pub struct Fetched {
    /// The status; never a 3xx (that is [`FetchError::Redirect`]).
    pub status: http::StatusCode,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The body, at most [`Limits::max_bytes`] long.
    pub body: bytes::Bytes,
}

impl Fetched {
    /// A response with `Content-Type: application/json` and `body`, for test doubles.
    ///
    /// ```
    /// use oauth2_provider::fetch::Fetched;
    ///
    /// let fetched = Fetched::json(http::StatusCode::OK, "{}");
    /// assert_eq!(fetched.headers["content-type"], "application/json");
    /// assert_eq!(&fetched.body[..], b"{}");
    /// ```
    pub fn json(status: http::StatusCode, body: impl Into<bytes::Bytes>) -> Fetched {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Fetched {
            status,
            headers,
            body: body.into(),
        }
    }
}

/// Why a fetch failed. The `Display` is a short reason fit for a log line or an
/// `error_description`; the cause of a [`Transport`](FetchError::Transport) error is its
/// [`source`](std::error::Error::source), for the operator's logs only.
///
/// ```
/// use oauth2_provider::fetch::FetchError;
///
/// assert_eq!(FetchError::NotAllowed.to_string(), "the address is not allowed");
/// ```
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The scheme or an address of the host is refused by the fetcher's policy.
    #[error("the address is not allowed")]
    NotAllowed,
    /// The host name did not resolve to any address.
    #[error("the host name did not resolve")]
    Unresolved,
    /// The body is longer than [`Limits::max_bytes`].
    #[error("the response is too large")]
    TooLarge,
    /// The fetch took longer than [`Limits::timeout`].
    #[error("the fetch timed out")]
    Timeout,
    /// The server answered with a redirect, which is never followed.
    #[error("the response is a redirect")]
    Redirect,
    /// As many fetches as allowed are running; this one was not started.
    #[error("too many fetches at once")]
    Busy,
    /// The connection, TLS or HTTP exchange failed.
    #[error("the connection failed")]
    Transport(#[source] TransportError),
}

/// The cause of a [`FetchError::Transport`]: the HTTP client's own error, shared so that a
/// cached failure can be cloned. Its `Display` is the client's message, which may name
/// addresses and certificates: log it, never send it to a client.
#[derive(Clone)]
pub struct TransportError(Arc<dyn StdError + Send + Sync>);

impl TransportError {
    /// Wraps the HTTP client's error.
    ///
    /// ```
    /// use oauth2_provider::fetch::{FetchError, TransportError};
    ///
    /// let io = std::io::Error::other("connection reset");
    /// let error = FetchError::Transport(TransportError::new(io));
    /// assert_eq!(error.to_string(), "the connection failed");
    /// assert_eq!(std::error::Error::source(&error).unwrap().to_string(), "connection reset");
    /// ```
    pub fn new(error: impl StdError + Send + Sync + 'static) -> TransportError {
        TransportError(Arc::new(error))
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}
