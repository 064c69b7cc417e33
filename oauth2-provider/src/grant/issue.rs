//! Issuing tokens: the `before_issue` hook and the scope ceiling, minting, storing, the
//! `token_issued` hook, and the successful token response (RFC 6749 §5.1).

use std::time::SystemTime;

use serde::Serialize;

use crate::error::OAuthError;
use crate::model::{Confirmation, GrantId, NewToken, OAuthClient, TokenHash, TokenModel};
use crate::oidc;
use crate::provider::{ClientOf, Provider, RevokeEvent, RevokeReason, ScopeOf, TokenEvent};
use crate::scope::Scopes;
use crate::secret::{Draw, encode_in_family};
use crate::store::{Exchange, TokenStore};

use super::{Grant, GrantType, is_on};

/// A successful token response. Serializes as RFC 6749 §5.1 JSON.
#[derive(Serialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// `Bearer` (RFC 6750), or `DPoP` for an access token bound to the key of the request's
    /// DPoP proof (RFC 9449 §5).
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The refresh token, if one was issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The granted scope, always sent so the client need not guess (§5.1 allows it).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// Members beside §5.1's, from [`Grant::with_response_member`].
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The members §5.1 defines, which a grant's own members never replace.
const RESERVED: [&str; 6] = [
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "id_token",
];

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("scope", &self.scope)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

type Access<P> = <<P as Provider>::Tokens as TokenStore>::AccessToken;
type Refresh<P> = <<P as Provider>::Tokens as TokenStore>::RefreshToken;

/// Freshly minted tokens: the records to store and the response carrying the raw values.
pub(crate) struct Minted<P: Provider> {
    pub access: Access<P>,
    pub refresh: Option<Refresh<P>>,
    pub response: TokenResponse,
}

/// What the refresh token of an issuance keeps of its grant where the token request narrowed
/// the access token: the scope (RFC 6749 §6) and the audience (RFC 8707 §2.2).
pub(crate) struct Kept<'a, S> {
    pub scope: S,
    pub audience: &'a [String],
}

/// How a replay of a consumed code or refresh token is reported.
pub(crate) struct Consumable {
    pub replay: RevokeReason,
    pub used: &'static str,
    pub missing: &'static str,
}

/// One issuance of tokens by `grant_type` to `client`: every grant, built-in or not, goes
/// through [`approve`](Issuance::approve), so the hook and the ceiling hold for all of them.
pub(crate) struct Issuance<'a, P: Provider> {
    provider: &'a P,
    client: &'a ClientOf<P>,
    grant_type: GrantType,
    /// The thumbprint of the token request's DPoP key, which the tokens are bound to.
    dpop_jkt: Option<&'a str>,
}

impl<'a, P: Provider> Issuance<'a, P> {
    pub(crate) fn new(provider: &'a P, client: &'a ClientOf<P>, grant_type: GrantType) -> Self {
        Issuance {
            provider,
            client,
            grant_type,
            dpop_jkt: None,
        }
    }

    /// The provider issuing.
    pub(crate) fn provider(&self) -> &'a P {
        self.provider
    }

    /// The same issuance, binding the access token (and a public client's refresh token) to
    /// the DPoP key `jkt` (RFC 9449 §5, §6.1).
    pub(crate) fn bound_to(mut self, jkt: Option<&'a str>) -> Self {
        self.dpop_jkt = jkt;
        self
    }

    /// The `before_issue` hook, then the ceiling: a scope wider than the client's allowed scope
    /// is refused, whether a handler, an override or the hook produced it.
    pub(crate) async fn approve(&self, grant: &mut Grant<ScopeOf<P>>) -> Result<(), OAuthError> {
        self.provider
            .before_issue(self.grant_type, self.client, grant)
            .await?;
        if !self.client.allowed_scope().contains(grant.scope) {
            return Err(OAuthError::invalid_scope(
                "the requested scope exceeds what the client may be granted",
            ));
        }
        if !oidc::refresh_allowed(self.provider.config(), grant.scope) {
            grant.refresh_token = false;
        }
        Ok(())
    }

    /// Adds the ID token of an OpenID Connect grant to `minted`'s response, signed before
    /// anything is stored: a grant whose ID token cannot be signed issues nothing.
    pub(crate) fn add_id_token(
        &self,
        minted: &mut Minted<P>,
        grant: &Grant<ScopeOf<P>>,
        nonce: Option<&str>,
    ) -> Result<(), OAuthError> {
        let id_token = oidc::id_token(
            self.provider.config(),
            self.client.client_id(),
            grant.subject.as_deref(),
            grant.scope,
            &grant.extras,
            nonce,
            &minted.response.access_token,
        )?;
        if let Some(id_token) = id_token {
            minted
                .response
                .extra
                .insert("id_token".into(), id_token.into());
        }
        Ok(())
    }

    /// Mints an access token for `grant`, and a refresh token for what it `kept` when
    /// `grant.refresh_token` and the provider and client allow the refresh grant, from the two
    /// random `tokens` of a [`Draw`], both in the family of `grant_id` (the `jti` of a JWT
    /// access token too), so a store finds the family's slot from either.
    pub(crate) fn mint(
        &self,
        grant_id: GrantId,
        grant: &Grant<ScopeOf<P>>,
        kept: Kept<'_, ScopeOf<P>>,
        [access_bytes, refresh_bytes]: [[u8; 32]; 2],
    ) -> Result<Minted<P>, OAuthError> {
        let config = self.provider.config();
        let now = SystemTime::now();
        let client_id = self.client.client_id();
        let scope = grant.scope.to_scope_string();
        let expires_at = now + config.access_token_ttl;
        let extras = match self.dpop_jkt {
            Some(jkt) => grant
                .extras
                .clone()
                .with_confirmation(Confirmation::JwkThumbprint(jkt.to_owned())),
            None => grant.extras.clone(),
        };
        let access_token = oidc::access_token(
            config,
            self.client,
            encode_in_family(access_bytes, grant_id),
            grant.subject.as_deref(),
            &scope,
            &extras,
            expires_at,
        )?;
        let access = Access::<P>::new(NewToken {
            token_hash: TokenHash::of(&access_token),
            grant_id,
            client_id: client_id.to_owned(),
            subject: grant.subject.clone(),
            scope: grant.scope,
            expires_at: Some(expires_at),
            extras: extras.clone(),
        });
        let issue_refresh = grant.refresh_token
            && is_on(self.provider, GrantType::RefreshToken)
            && self
                .client
                .allows_grant_type(GrantType::RefreshToken.as_str());
        let (refresh, refresh_token) = if issue_refresh {
            let token = encode_in_family(refresh_bytes, grant_id);
            // RFC 9449 §5: a public client's refresh token is bound to its DPoP key; a
            // confidential client's is bound to its authentication.
            let mut extras = extras.clone();
            if self.client.is_confidential()
                && matches!(extras.confirmation(), Some(Confirmation::JwkThumbprint(_)))
            {
                extras = extras.without_confirmation();
            }
            if extras.audience() != kept.audience {
                extras = extras.with_audience(kept.audience.to_vec());
            }
            // A bounded family remembers when it began; no refresh token outlives its end.
            let family_end = config.grant_lifetime.map(|lifetime| {
                let began = grant.extras.granted_at().unwrap_or(now);
                extras = std::mem::take(&mut extras).with_granted_at(began);
                began + lifetime
            });
            let expires_at = match (config.refresh_token_ttl.map(|ttl| now + ttl), family_end) {
                (Some(ttl), Some(end)) => Some(ttl.min(end)),
                (ttl, end) => ttl.or(end),
            };
            let record = Refresh::<P>::new(NewToken {
                token_hash: TokenHash::of(&token),
                grant_id,
                client_id: client_id.to_owned(),
                subject: grant.subject.clone(),
                scope: kept.scope,
                expires_at,
                extras,
            });
            (Some(record), Some(token))
        } else {
            (None, None)
        };
        Ok(Minted {
            access,
            refresh,
            response: TokenResponse {
                access_token,
                token_type: if self.dpop_jkt.is_some() {
                    "DPoP"
                } else {
                    "Bearer"
                },
                expires_in: config.access_token_ttl.as_secs(),
                refresh_token,
                scope,
                extra: grant
                    .response
                    .iter()
                    .filter(|(name, _)| !RESERVED.contains(&name.as_str()))
                    .map(|(name, value)| (name.clone(), value.clone()))
                    .collect(),
            },
        })
    }

    /// Issues tokens for a grant that consumes nothing (password, client credentials, implicit,
    /// extensions): approval, storage, the `token_issued` hook.
    pub(crate) async fn issue(
        self,
        mut grant: Grant<ScopeOf<P>>,
    ) -> Result<TokenResponse, OAuthError> {
        self.approve(&mut grant).await?;
        let Draw { tokens, grant_id } = Draw::new();
        let kept = Kept {
            scope: grant.scope,
            audience: grant.extras.audience(),
        };
        let minted = self.mint(grant_id, &grant, kept, tokens)?;
        self.provider
            .tokens()
            .insert_tokens(minted.access, minted.refresh)
            .await?;
        self.notify(grant_id, &grant, &minted.response).await;
        Ok(minted.response)
    }

    /// Finishes an exchange with the store's answer: the response and the `token_issued` hook
    /// when this caller consumed it; when it was used before, a replay (RFC 6749 §4.1.2, RFC 9700
    /// §4.14.2) that revokes the whole grant family.
    pub(crate) async fn settle(
        self,
        grant_id: GrantId,
        grant: &Grant<ScopeOf<P>>,
        response: TokenResponse,
        outcome: Exchange,
        consumable: Consumable,
    ) -> Result<TokenResponse, OAuthError> {
        match outcome {
            Exchange::Done => {
                self.notify(grant_id, grant, &response).await;
                Ok(response)
            }
            Exchange::AlreadyUsed => Err(self.replayed(grant_id, consumable).await),
            Exchange::Missing => Err(OAuthError::invalid_grant(consumable.missing)),
        }
    }

    /// A consumed code or refresh token came back: its whole family is revoked, and the
    /// answer is `invalid_grant` (or the store's failure to revoke).
    pub(crate) async fn replayed(&self, grant_id: GrantId, consumable: Consumable) -> OAuthError {
        crate::trace::replay(self.client.client_id(), consumable.replay);
        if let Err(error) = self.provider.tokens().revoke_grant(grant_id).await {
            return error.into();
        }
        let event = RevokeEvent {
            client_id: self.client.client_id(),
            reason: consumable.replay,
            grant_id,
        };
        self.provider.token_revoked(&event).await;
        OAuthError::invalid_grant(consumable.used)
    }

    pub(crate) async fn notify(
        &self,
        grant_id: GrantId,
        grant: &Grant<ScopeOf<P>>,
        response: &TokenResponse,
    ) {
        self.provider
            .token_issued(&TokenEvent {
                grant_type: self.grant_type,
                client_id: self.client.client_id(),
                subject: grant.subject.as_deref(),
                scope: grant.scope,
                grant_id,
                refresh_token: response.refresh_token.is_some(),
            })
            .await;
    }
}
