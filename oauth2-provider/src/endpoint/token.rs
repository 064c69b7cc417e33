//! The token endpoint (RFC 6749 §3.2, §4.1.3, §4.3.2, §4.4.2, §6, §8.3).

use bytes::Bytes;
use http::{Request, Response, StatusCode};

use super::Server;
use crate::client_auth::authenticate;
use crate::config::GrantType;
use crate::error::{ErrorCode, OAuthError};
use crate::grant::{self, TokenRequest, TokenResponse};
use crate::model::OAuthClient;
use crate::params::Params;
use crate::provider::{Provider, dispatch};
use crate::response;
use crate::scope::Scope;

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
        let (parts, body) = request.into_parts();
        let params = match self.form_params(&parts, body.as_ref()) {
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
        match self.token_flow(&parts.headers, &params).await {
            Ok(token) => response::json(StatusCode::OK, &token),
            Err(error) => response::error(&error),
        }
    }

    async fn token_flow(
        &self,
        headers: &http::HeaderMap,
        params: &Params<'_>,
    ) -> Result<TokenResponse, OAuthError> {
        let provider = &self.provider;
        let name = params.get("grant_type").ok_or(OAuthError::invalid_request(
            "the grant_type parameter is missing",
        ))?;
        let unsupported = OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            "the grant type is not supported",
        );
        let grant_type = dispatch(provider, name).ok_or_else(|| unsupported.clone())?;
        let (client, _method) = authenticate(provider, headers, params).await?;
        let client = client.as_ref();
        if !client.allows_grant_type(name) {
            return Err(OAuthError::new(
                ErrorCode::UnauthorizedClient,
                "the client may not use this grant type",
            ));
        }
        let request = TokenRequest::new(params, headers, name);
        match grant_type {
            GrantType::AuthorizationCode => {
                grant::authorization_code(provider, &request, client).await
            }
            GrantType::RefreshToken => grant::refresh_token(provider, &request, client).await,
            GrantType::Password => {
                let granted = provider.password_grant(&request, client).await?;
                grant::issue(provider, client, grant_type, granted).await
            }
            GrantType::ClientCredentials => {
                let granted = provider.client_credentials_grant(&request, client).await?;
                grant::issue(provider, client, grant_type, granted).await
            }
            GrantType::Extension(_) => {
                let granted = provider.extension_grant(name, &request, client).await?;
                if !client.allowed_scope().contains(granted.scope) {
                    return Err(OAuthError::invalid_scope(
                        "the requested scope exceeds what the client may be granted",
                    ));
                }
                grant::issue(provider, client, grant_type, granted).await
            }
            // The implicit grant has no token request (RFC 6749 §4.2).
            GrantType::Implicit => Err(unsupported),
        }
    }
}
