//! The token endpoint (RFC 6749 §3.2, §4.1.3, §4.3.2, §4.4.2, §6, §8.3).

use bytes::Bytes;
use http::header::HeaderValue;
use http::{Request, Response, StatusCode};

use super::client_auth::authenticate;
use super::{RemoteAddr, Server, response};
use crate::error::{ErrorCode, OAuthError};
use crate::grant::{self, TokenRequest, TokenResponse};
use crate::model::OAuthClient;
use crate::params::Params;
use crate::provider::Provider;
use crate::trace;

/// The `DPoP-Nonce` response header (RFC 9449 §8.1).
const DPOP_NONCE: &str = "dpop-nonce";

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
        let mut nonce = None;
        let response = match self.token_flow(parts, &params, &mut nonce).await {
            Ok(token) => response::json(StatusCode::OK, &token),
            Err(error) => response::error(&error),
        };
        let mut response = response;
        with_dpop_nonce(&mut response, nonce);
        response
    }

    /// Parse, authenticate, check the DPoP proof, dispatch: the grant decides the rest. A
    /// `DPoP-Nonce` to send goes to `nonce`.
    async fn token_flow(
        &self,
        parts: &http::request::Parts,
        params: &Params<'_>,
        nonce: &mut Option<String>,
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
        let jkt = self
            .dpop_proof(parts, &provider.config().paths.token, nonce)
            .await?;
        if jkt.is_none() && client.dpop_bound_access_tokens() {
            return Err(OAuthError::new(
                ErrorCode::InvalidDpopProof,
                "a DPoP proof is required",
            ));
        }
        let request =
            TokenRequest::new(params, headers, name, source).with_dpop_jkt(jkt.as_deref());
        grant::exchange(provider, grant_type, &request, client.as_ref()).await
    }

    /// The thumbprint of the key of the valid DPoP proof of a request to `path` (RFC 9449
    /// §5, §10.1), `None` without a proof (or without feature `jwt`, where a proof is
    /// ignored). A `DPoP-Nonce` to send goes to `nonce`.
    #[cfg(feature = "jwt")]
    pub(super) async fn dpop_proof(
        &self,
        parts: &http::request::Parts,
        path: &str,
        nonce: &mut Option<String>,
    ) -> Result<Option<String>, OAuthError> {
        let config = self.provider.config();
        let checked = crate::dpop::token::check(
            parts,
            config.issuer.as_deref(),
            path,
            &config.dpop,
            self.provider.tokens(),
        )
        .await;
        *nonce = checked.nonce;
        Ok(checked.outcome?.map(|accepted| accepted.jkt))
    }

    #[cfg(not(feature = "jwt"))]
    pub(super) async fn dpop_proof(
        &self,
        _parts: &http::request::Parts,
        _path: &str,
        _nonce: &mut Option<String>,
    ) -> Result<Option<String>, OAuthError> {
        Ok(None)
    }
}

/// RFC 9449 §8: a nonce to use from now on, sent on an error or a success alike.
pub(super) fn with_dpop_nonce(response: &mut Response<Bytes>, nonce: Option<String>) {
    if let Some(value) = nonce.and_then(|n| HeaderValue::try_from(n).ok()) {
        response.headers_mut().insert(DPOP_NONCE, value);
    }
}
