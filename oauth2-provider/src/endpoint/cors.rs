//! Which web origins a browser lets read the answers of the endpoints a browser-based client
//! calls itself (Fetch §3.2): token, revocation, registration and UserInfo. They authenticate
//! with what the request carries (a client credential, a bearer token), never with a cookie,
//! so no origin gains anything a script could not send from anywhere; an allow-list narrows
//! them anyway for deployments that want it. The public documents (metadata, the JWK Set)
//! answer every origin, whatever this says.

use bytes::Bytes;
use futures_util::FutureExt as _;
use futures_util::future::{Either, ready};
use http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue, ORIGIN, VARY,
};
use http::request::Parts;
use http::{HeaderMap, Method, Response};

use super::{Server, response};
use crate::provider::Provider;

/// The origins allowed to read the token, revocation, registration and UserInfo endpoints'
/// answers ([`Config::cors`](crate::config::Config::cors)).
///
/// ```
/// use oauth2_provider::config::{Config, Cors};
///
/// let config = Config::builder()
///     .cors(Cors::origins(["https://inspector.example", "http://localhost:6274"]))
///     .build();
/// assert!(config.cors.allows("http://localhost:6274"));
/// assert!(!config.cors.allows("https://evil.example"));
/// assert!(Cors::default().allows("https://anywhere.example"));
/// assert!(!Cors::Off.allows("https://anywhere.example"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cors {
    /// Every origin (`Access-Control-Allow-Origin: *`): what browser-based MCP clients need
    /// of an authorization server they discover. The default.
    #[default]
    AnyOrigin,
    /// Only these origins (`scheme://host[:port]`, compared exactly), each answered with its
    /// own `Access-Control-Allow-Origin` and `Vary: Origin`.
    Origins(Vec<String>),
    /// No cross-origin reads.
    Off,
}

impl Cors {
    /// Only `origins`.
    pub fn origins<I: IntoIterator<Item = S>, S: Into<String>>(origins: I) -> Self {
        Cors::Origins(origins.into_iter().map(Into::into).collect())
    }

    /// `true` when a page of `origin` may read the answers.
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            Cors::AnyOrigin => true,
            Cors::Origins(allowed) => allowed.iter().any(|a| a == origin),
            Cors::Off => false,
        }
    }

    /// `response` with the headers that let the request's origin read it, if it may.
    pub(crate) fn apply(
        &self,
        request: &HeaderMap,
        mut response: Response<Bytes>,
    ) -> Response<Bytes> {
        let value = match self {
            Cors::Off => return response,
            Cors::AnyOrigin => HeaderValue::from_static("*"),
            Cors::Origins(_) => {
                response
                    .headers_mut()
                    .append(VARY, HeaderValue::from_static("Origin"));
                match request.get(ORIGIN) {
                    Some(origin) if origin.to_str().is_ok_and(|o| self.allows(o)) => origin.clone(),
                    _ => return response,
                }
            }
        };
        let headers = response.headers_mut();
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("WWW-Authenticate, Retry-After, DPoP-Nonce"),
        );
        response
    }

    /// The preflight answer (Fetch §3.2.2) of an endpoint taking `methods`, for a request
    /// that is one (`OPTIONS`); `None` otherwise.
    pub(crate) fn preflight(
        &self,
        method: &Method,
        request: &HeaderMap,
        methods: &'static str,
    ) -> Option<Response<Bytes>> {
        (method == Method::OPTIONS).then(|| self.apply(request, response::preflight(methods)))
    }
}

impl<P: Provider> Server<P> {
    /// What `answer` gives, behind the configured CORS policy: a preflight is answered here
    /// (allowing `methods`) and `answer` never runs; anything else carries the headers.
    ///
    /// Not an `async fn`: one would keep `answer` twice in its state (as the argument and as
    /// the future it awaits), and an endpoint's future is kilobytes, copied on every move.
    pub(crate) fn behind_cors<'a>(
        &'a self,
        parts: &'a Parts,
        methods: &'static str,
        answer: impl Future<Output = Response<Bytes>> + 'a,
    ) -> impl Future<Output = Response<Bytes>> + 'a {
        let cors = &self.provider.config().cors;
        match cors.preflight(&parts.method, &parts.headers, methods) {
            Some(preflight) => Either::Left(ready(preflight)),
            None => Either::Right(answer.map(move |response| cors.apply(&parts.headers, response))),
        }
    }
}
