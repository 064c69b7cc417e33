//! The token endpoint (RFC 6749 §3.2, §4.1.3, §4.3.2, §4.4.2, §6, §8.3).

use bytes::Bytes;
use http::{Request, Response, StatusCode};

use super::client_auth::authenticate;
use super::{RemoteAddr, Server, response};
use crate::error::OAuthError;
use crate::grant::{self, TokenRequest, TokenResponse};
use crate::params::Params;
use crate::provider::Provider;
use crate::trace;

/// Parameters that must never travel in a URI (RFC 6749 §2.3.1, §3.2).
const SECRET_PARAMS: [&str; 5] = [
    "client_secret",
    "password",
    "code",
    "refresh_token",
    "code_verifier",
];

impl<P: Provider> Server<P> {
    /// The token endpoint: POST, form-encoded, client authenticated, dispatched on
    /// `grant_type`. Every response carries `Cache-Control: no-store` and `Pragma: no-cache`.
    pub async fn token<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        trace::endpoint("token", self.token_endpoint(request)).await
    }

    async fn token_endpoint<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let answer = self.token_answer(&parts, body.as_ref());
        self.behind_cors(&parts, "POST", answer).await
    }

    async fn token_answer(&self, parts: &http::request::Parts, body: &[u8]) -> Response<Bytes> {
        let params = match self.form_params(parts, body) {
            Ok(params) => params,
            Err(response) => return *response,
        };
        if let Some(query) = parts.uri.query() {
            match Params::parse(query.as_bytes()) {
                Ok(q) if SECRET_PARAMS.iter().any(|p| q.contains(p)) => {
                    return response::error(&OAuthError::invalid_request(
                        "credentials must not be sent in the request URI",
                    ));
                }
                Ok(_) => {}
                Err(error) => return response::error(&error),
            }
        }
        match self.token_flow(parts, &params).await {
            Ok(token) => response::json(StatusCode::OK, &token),
            Err(error) => response::error(&error),
        }
    }

    /// Parse, authenticate, dispatch: the grant decides the rest.
    async fn token_flow(
        &self,
        parts: &http::request::Parts,
        params: &Params<'_>,
    ) -> Result<TokenResponse, OAuthError> {
        let headers = &parts.headers;
        let source = RemoteAddr::of(&parts.extensions);
        let provider = &self.provider;
        let name = params.get("grant_type").ok_or(OAuthError::invalid_request(
            "the grant_type parameter is missing",
        ))?;
        trace::grant_type(name);
        let grant_type = grant::served(provider, name)?;
        let (client, _method) = authenticate(provider, headers, params, source).await?;
        let request = TokenRequest::new(params, headers, name, source);
        grant::exchange(provider, grant_type, &request, client.as_ref()).await
    }
}
