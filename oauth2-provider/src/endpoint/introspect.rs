//! The introspection endpoint (RFC 7662).

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use serde::Serialize;

use super::client_auth::authenticate;
use super::{RemoteAddr, Server, response};
use crate::error::{OAuthError, StoreError};
use crate::model::{AccessKind, OAuthClient, RefreshKind, TokenKind, TokenModel};
use crate::model::{Confirmation, TokenHash};
use crate::provider::Provider;
use crate::scope::Scopes;
use crate::store::TokenStore;
use crate::trace;

/// An RFC 7662 §2.2 response. An inactive token is exactly `{"active":false}`.
#[derive(Serialize, Default)]
struct Introspection {
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    /// RFC 8707: the resources the token is for.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "crate::model::one_or_many"
    )]
    aud: Vec<String>,
    /// RFC 8693 §4.1: who acts for the subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    act: Option<serde_json::Value>,
    /// RFC 8693 §4.4: who may act for the subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    may_act: Option<serde_json::Value>,
    /// RFC 9449 §6.2, RFC 8705 §3.2: the key the token is bound to.
    #[serde(skip_serializing_if = "Option::is_none")]
    cnf: Option<Confirmation>,
}

impl Introspection {
    /// The response for an active access or refresh token record.
    fn active<K: TokenKind, T: TokenModel<K>>(
        record: &T,
        token_type: &'static str,
        iss: Option<String>,
    ) -> Self {
        Introspection {
            active: true,
            scope: Some(record.scope().to_scope_string()),
            client_id: Some(record.client_id().to_owned()),
            token_type: Some(token_type),
            exp: record.expires_at().and_then(unix),
            sub: record.subject().map(str::to_owned),
            iss,
            aud: record.extras().audience().to_vec(),
            act: record.extras().actor().cloned(),
            may_act: record.extras().may_act().cloned(),
            cnf: record.extras().confirmation().cloned(),
        }
    }
}

/// Who asks (RFC 7662 §4): a token is active only to its own client, or, for an access token, to
/// a resource server; to any other caller it is `{"active":false}`, so that no client becomes
/// an oracle for tokens stolen from another.
#[derive(Clone, Copy)]
struct Caller<'a> {
    client_id: &'a str,
    resource_server: bool,
}

impl Caller<'_> {
    fn sees_access(self, token_client_id: &str) -> bool {
        self.resource_server || token_client_id == self.client_id
    }

    /// A refresh token is only ever for the client it was issued to.
    fn sees_refresh(self, token_client_id: &str) -> bool {
        token_client_id == self.client_id
    }
}

fn unix(t: SystemTime) -> Option<u64> {
    t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

impl<P: Provider> Server<P> {
    /// The introspection endpoint, for confidential (authenticated) clients only. An inactive,
    /// expired, revoked, rotated or unknown token is `{"active":false}`.
    pub async fn introspect<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        trace::endpoint("introspection", self.introspect_endpoint(request)).await
    }

    async fn introspect_endpoint<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let params = match self.form_params(&parts, body.as_ref()) {
            Ok(params) => params,
            Err(response) => return *response,
        };
        let client = match authenticate(
            &self.provider,
            &parts.headers,
            &params,
            RemoteAddr::of(&parts.extensions),
        )
        .await
        {
            Ok((client, _)) if client.is_confidential() => client,
            Ok(_) => return response::error(&OAuthError::invalid_client()),
            Err(error) => return response::error(&error),
        };
        let Some(token) = params.get("token") else {
            return response::error(&OAuthError::invalid_request(
                "the token parameter is missing",
            ));
        };
        let refresh_first = params.get("token_type_hint") == Some("refresh_token");
        let caller = Caller {
            client_id: client.client_id(),
            resource_server: client.is_resource_server(),
        };
        match self
            .lookup(&TokenHash::of(token), refresh_first, caller)
            .await
        {
            Ok(Some(active)) => response::json(StatusCode::OK, &active),
            Ok(None) => response::json(StatusCode::OK, &Introspection::default()),
            Err(error) => response::error(&error.into()),
        }
    }

    /// The active token with this hash that `caller` may see, looked up in the hinted kind
    /// first (§2.1).
    async fn lookup(
        &self,
        hash: &TokenHash,
        refresh_first: bool,
        caller: Caller<'_>,
    ) -> Result<Option<Introspection>, StoreError> {
        let store = self.provider.tokens();
        let now = SystemTime::now();
        let iss = self.provider.config().issuer.clone();
        for refresh in [refresh_first, !refresh_first] {
            let active = if refresh {
                store
                    .find_refresh_token(hash)
                    .await?
                    .filter(|f| !f.consumed && !f.record.is_expired(now))
                    .filter(|f| caller.sees_refresh(f.record.client_id()))
                    .map(|f| {
                        Introspection::active::<RefreshKind, _>(
                            f.record.as_ref(),
                            "refresh_token",
                            iss.clone(),
                        )
                    })
            } else {
                store
                    .find_access_token(hash)
                    .await?
                    .filter(|t| !t.is_expired(now))
                    .filter(|t| caller.sees_access(t.client_id()))
                    .map(|t| {
                        // RFC 9449 §6.2: a DPoP-bound access token's type is `DPoP`.
                        let token_type = match t.extras().confirmation() {
                            Some(Confirmation::JwkThumbprint(_)) => "DPoP",
                            _ => "Bearer",
                        };
                        Introspection::active::<AccessKind, _>(t.as_ref(), token_type, iss.clone())
                    })
            };
            if active.is_some() {
                return Ok(active);
            }
        }
        Ok(None)
    }
}
