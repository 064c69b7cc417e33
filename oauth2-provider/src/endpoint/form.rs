//! The form POST every endpoint but authorization and metadata takes (RFC 6749 §3.2): method,
//! size, content type, then strict parameter parsing.

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::request::Parts;
use http::{HeaderMap, Method, Response};

use super::{Server, response};
use crate::error::OAuthError;
use crate::params::Params;
use crate::provider::Provider;

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
