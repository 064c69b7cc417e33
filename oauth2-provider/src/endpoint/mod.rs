//! The HTTP face of a provider: each endpoint takes an `http::Request` and returns an
//! `http::Response`, with no web framework involved.
//!
//! ```
//! # use oauth2_provider::endpoint::Server;
//! # async fn serve<P: oauth2_provider::provider::Provider>(server: &Server<P>, req: http::Request<bytes::Bytes>) {
//! let response = server.handle(req).await; // routes on the configured paths
//! # }
//! ```

mod authorize;
mod introspect;
mod metadata;
mod revoke;
mod token;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::request::Parts;
use http::{HeaderMap, Method, Request, Response, StatusCode};

use crate::error::OAuthError;
use crate::params::Params;
use crate::provider::Provider;
use crate::response;

/// A provider behind its endpoints.
pub struct Server<P> {
    provider: P,
}

impl<P: Provider> Server<P> {
    /// Serves `provider`.
    pub fn new(provider: P) -> Self {
        Server { provider }
    }

    /// The provider.
    pub fn provider(&self) -> &P {
        &self.provider
    }

    /// Routes on the paths of [`crate::config::Config::paths`] and the metadata path; `404`
    /// for any other path.
    pub async fn handle<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        let paths = &self.provider.config().paths;
        let path = request.uri().path();
        if path == paths.token {
            self.token(request).await
        } else if path == paths.authorize {
            self.authorize(request).await
        } else if path == paths.revoke {
            self.revoke(request).await
        } else if path == paths.introspect {
            self.introspect(request).await
        } else if self.metadata_path().is_some_and(|p| p == path) {
            match *request.method() {
                Method::GET | Method::HEAD => self.metadata(),
                _ => response::method_not_allowed("GET, HEAD"),
            }
        } else {
            let mut response = Response::new(Bytes::new());
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    }
}

impl<P: Provider> Server<P> {
    /// The parameters of a form POST, or the response refusing it: wrong method (405), too
    /// large (413), wrong content type or malformed (400 `invalid_request`). The refusal is
    /// boxed to keep the common `Ok` small.
    pub(crate) fn form_params<'b>(
        &self,
        parts: &Parts,
        body: &'b [u8],
    ) -> Result<Params<'b>, Box<Response<Bytes>>> {
        let limit = self.provider.config().max_body_bytes;
        let body = form_body(&parts.method, &parts.headers, body, limit)
            .map_err(|rejection| Box::new(rejection.into_response()))?;
        Params::parse(body).map_err(|error| Box::new(response::error(&error)))
    }
}

/// Refusals that happen before parameters are read: method, size, content type.
pub(crate) enum Rejection {
    Method(&'static str),
    TooLarge,
    Invalid(OAuthError),
}

impl Rejection {
    pub(crate) fn into_response(self) -> Response<Bytes> {
        match self {
            Rejection::Method(allow) => response::method_not_allowed(allow),
            Rejection::TooLarge => response::too_large(),
            Rejection::Invalid(error) => response::error(&error),
        }
    }
}

/// The form body of a POST: right method, bounded size, `application/x-www-form-urlencoded`.
pub(crate) fn form_body<'b>(
    method: &Method,
    headers: &HeaderMap,
    body: &'b [u8],
    limit: usize,
) -> Result<&'b [u8], Rejection> {
    if method != Method::POST {
        return Err(Rejection::Method("POST"));
    }
    if body.len() > limit {
        return Err(Rejection::TooLarge);
    }
    if !is_form(headers) {
        return Err(Rejection::Invalid(OAuthError::invalid_request(
            "the content type must be application/x-www-form-urlencoded",
        )));
    }
    Ok(body)
}

fn is_form(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().is_ok_and(|v| {
            let media_type = v.split(';').next().unwrap_or_default().trim();
            media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded")
        }),
        _ => false,
    }
}
