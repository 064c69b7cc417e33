//! The revocation endpoint (RFC 7009).

use bytes::Bytes;
use http::{Request, Response, StatusCode};

use super::client_auth::authenticate;
use super::{RemoteAddr, Server, response};
use crate::error::{ErrorCode, OAuthError};
use crate::model::TokenHash;
use crate::model::{OAuthClient, TokenModel};
use crate::provider::{ClientOf, Provider, RevokeEvent, RevokeReason};
use crate::store::TokenStore;
use crate::trace;

impl<P: Provider> Server<P> {
    /// The revocation endpoint: an access token goes alone; a refresh token takes its whole
    /// grant with it (§2.1). An unknown token is a success (§2.2). A token of another client is
    /// refused with `unauthorized_client` and stays valid.
    pub async fn revoke<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        trace::endpoint("revocation", self.revoke_endpoint(request)).await
    }

    async fn revoke_endpoint<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let answer = self.revoke_answer(&parts, body.as_ref());
        self.behind_cors(&parts, "POST", answer).await
    }

    async fn revoke_answer(&self, parts: &http::request::Parts, body: &[u8]) -> Response<Bytes> {
        let params = match self.form_params(parts, body) {
            Ok(params) => params,
            Err(response) => return *response,
        };
        let outcome = async {
            let (client, _) = authenticate(
                &self.provider,
                &parts.headers,
                &params,
                RemoteAddr::of(&parts.extensions),
            )
            .await?;
            let token = params.get("token").ok_or(OAuthError::invalid_request(
                "the token parameter is missing",
            ))?;
            self.revoke_token(
                client.as_ref(),
                &TokenHash::of(token),
                params.get("token_type_hint"),
            )
            .await
        };
        match outcome.await {
            Ok(()) => response::empty(StatusCode::OK),
            Err(error) => response::error(&error),
        }
    }

    async fn revoke_token(
        &self,
        client: &ClientOf<P>,
        hash: &TokenHash,
        hint: Option<&str>,
    ) -> Result<(), OAuthError> {
        let store = self.provider.tokens();
        let not_yours = || {
            OAuthError::new(
                ErrorCode::UnauthorizedClient,
                "the token was not issued to this client",
            )
        };
        // The hint only orders the search (§2.1); both kinds are always looked at.
        let refresh_first = hint == Some("refresh_token");
        for refresh in [refresh_first, !refresh_first] {
            if refresh {
                if let Some(found) = store.find_refresh_token(hash).await? {
                    if found.record.client_id() != client.client_id() {
                        return Err(not_yours());
                    }
                    let grant_id = found.record.grant_id();
                    store.revoke_grant(grant_id).await?;
                    self.revoked(client, RevokeReason::RefreshToken, grant_id)
                        .await;
                    return Ok(());
                }
            } else if let Some(token) = store.find_access_token(hash).await? {
                if token.client_id() != client.client_id() {
                    return Err(not_yours());
                }
                if store.revoke_access_token(hash).await? {
                    self.revoked(client, RevokeReason::AccessToken, token.grant_id())
                        .await;
                }
                return Ok(());
            }
        }
        Ok(())
    }

    async fn revoked(
        &self,
        client: &ClientOf<P>,
        reason: RevokeReason,
        grant_id: crate::model::GrantId,
    ) {
        self.provider
            .token_revoked(&RevokeEvent {
                client_id: client.client_id(),
                reason,
                grant_id,
            })
            .await;
    }
}
