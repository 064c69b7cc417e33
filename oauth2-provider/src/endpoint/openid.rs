//! The endpoints OpenID Connect adds (feature `jwt`): UserInfo (Core §5.3) and the JWK Set
//! (RFC 7517 §5, Core §10.1.1). The JWK Set answers any origin; UserInfo the origins of
//! [`Config::cors`](crate::config::Config::cors): it authenticates with a bearer token, never
//! with a cookie, so a browser-based relying party may call it.

use std::time::SystemTime;

use bytes::Bytes;
use http::header::{CACHE_CONTROL, HeaderValue};
use http::{Method, Request, Response, StatusCode};

use super::Server;
use super::bearer::BearerRejection;
use super::response::{self, cors};
use crate::error::{ErrorCode, OAuthError};
use crate::oidc;
use crate::provider::{Provider, ScopeOf};
use crate::scope::Scopes;

impl<P: Provider> Server<P> {
    /// The UserInfo endpoint (OpenID Connect Core §5.3): GET or POST with a bearer access
    /// token (RFC 6750 §2.1) whose scope holds `openid`; answers `sub` and the claims of the
    /// [`claims`](Provider::claims) hook that the token's scope releases (§5.4). A refused
    /// token gets the RFC 6750 §3 challenge in `WWW-Authenticate`.
    pub async fn userinfo<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        crate::trace::endpoint("userinfo", async {
            let (parts, _) = request.into_parts();
            let answer = async {
                match parts.method {
                    Method::GET | Method::POST => self.userinfo_answer(&parts.headers).await,
                    _ => response::method_not_allowed("GET, POST, OPTIONS"),
                }
            };
            self.behind_cors(&parts, "GET, POST", answer).await
        })
        .await
    }

    async fn userinfo_answer(&self, headers: &http::HeaderMap) -> Response<Bytes> {
        let Some(openid) = oidc::scope_named::<ScopeOf<P>>("openid") else {
            return response::empty(StatusCode::NOT_FOUND);
        };
        let token = match self.bearer(headers, openid).await {
            Ok(token) => token,
            Err(rejection) => return rejection.into_response(),
        };
        // A client's own token is no end-user's: it has nobody's claims.
        let Some(subject) = token.subject() else {
            return BearerRejection::invalid_token().into_response();
        };
        let claims = match self.provider.claims(subject, token.scope()).await {
            Ok(claims) => claims,
            Err(error) => return response::error(&error),
        };
        let mut body = claims.released(token.scope().names()).into_map();
        body.insert("sub".into(), subject.into());
        response::json(StatusCode::OK, &body)
    }

    /// The JWK Set (RFC 7517 §5): the public keys that verify this provider's tokens, those
    /// about to sign and those retired but still verifying, with `Cache-Control: public,
    /// max-age` of [`OpenId::jwks_max_age`](crate::oidc::OpenId::jwks_max_age). `404` without
    /// OpenID Connect.
    pub fn jwks(&self) -> Response<Bytes> {
        let Some(openid) = self.provider.config().openid.as_ref() else {
            return response::error_with_status(
                &OAuthError::new(
                    ErrorCode::InvalidRequest,
                    "OpenID Connect is not configured",
                ),
                StatusCode::NOT_FOUND,
            );
        };
        let jwks = openid.keys.read(|keys| keys.jwks(SystemTime::now()));
        let mut response = response::json(StatusCode::OK, &jwks);
        let cache = format!("public, max-age={}", openid.jwks_max_age.as_secs());
        if let Ok(cache) = HeaderValue::try_from(cache) {
            response.headers_mut().insert(CACHE_CONTROL, cache);
            response.headers_mut().remove(http::header::PRAGMA);
        }
        cors(response)
    }
}
