//! The introspection endpoint (RFC 7662).

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use serde::Serialize;

use super::{Server, form_body};
use crate::client_auth::authenticate;
use crate::error::OAuthError;
use crate::model::{AccessTokenModel, OAuthClient, RefreshTokenModel};
use crate::params::Params;
use crate::provider::Provider;
use crate::response;
use crate::scope::Scope;
use crate::secret::TokenHash;
use crate::store::Store;

/// An RFC 7662 §2.2 response. An inactive token is exactly `{"active":false}`.
#[derive(Serialize, Default)]
struct Introspection<'a> {
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
}

fn unix(t: SystemTime) -> Option<u64> {
    t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

impl<P: Provider> Server<P> {
    /// The introspection endpoint, for confidential (authenticated) clients only. An inactive,
    /// expired, revoked, rotated or unknown token is `{"active":false}`.
    pub async fn introspect<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let body = match form_body(
            &parts.method,
            &parts.headers,
            body.as_ref(),
            self.provider.config().max_body_bytes,
        ) {
            Ok(body) => body,
            Err(rejection) => return rejection.into_response(),
        };
        let params = match Params::parse(body) {
            Ok(params) => params,
            Err(error) => return response::error(&error),
        };
        match authenticate(&self.provider, &parts.headers, &params).await {
            Ok((client, _)) if client.is_confidential() => {}
            Ok(_) => return response::error(&OAuthError::invalid_client()),
            Err(error) => return response::error(&error),
        }
        let Some(token) = params.get("token") else {
            return response::error(&OAuthError::invalid_request(
                "the token parameter is missing",
            ));
        };
        let hash = TokenHash::of(token);
        let store = self.provider.store();
        let now = SystemTime::now();
        let iss = self.provider.config().issuer.as_deref();
        let refresh_first = params.get("token_type_hint") == Some("refresh_token");
        for refresh in [refresh_first, !refresh_first] {
            let found = if refresh {
                store.find_refresh_token(&hash).await.map(|found| {
                    found
                        .filter(|f| !f.consumed && !f.record.is_expired(now))
                        .map(|f| {
                            let t = f.record;
                            (
                                t.scope().to_scope_string(),
                                t.client_id().to_owned(),
                                t.subject().map(str::to_owned),
                                t.expires_at(),
                                "refresh_token",
                            )
                        })
                })
            } else {
                store.find_access_token(&hash).await.map(|found| {
                    found.filter(|t| !t.is_expired(now)).map(|t| {
                        (
                            t.scope().to_scope_string(),
                            t.client_id().to_owned(),
                            t.subject().map(str::to_owned),
                            t.expires_at(),
                            "Bearer",
                        )
                    })
                })
            };
            match found {
                Err(error) => return response::error(&error.into()),
                Ok(Some((scope, client_id, sub, exp, token_type))) => {
                    return response::json(
                        StatusCode::OK,
                        &Introspection {
                            active: true,
                            scope: Some(scope),
                            client_id: Some(&client_id),
                            token_type: Some(token_type),
                            exp: exp.and_then(unix),
                            sub: sub.as_deref(),
                            iss,
                        },
                    );
                }
                Ok(None) => {}
            }
        }
        response::json(StatusCode::OK, &Introspection::default())
    }
}
