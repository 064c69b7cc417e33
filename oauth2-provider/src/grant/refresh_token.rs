//! Refreshing an access token (RFC 6749 §6) with rotation and reuse detection
//! (RFC 9700 §4.14.2), and a grace period for a rotated token if configured
//! ([`refresh_grace`](super::refresh_grace)).

use std::time::SystemTime;

use crate::error::{ErrorCode, OAuthError};
use crate::model::{OAuthClient, TokenHash, TokenModel};
use crate::provider::{ClientOf, Provider, RevokeEvent, RevokeReason};
use crate::scope::Scopes;
use crate::secret::Draw;
use crate::store::{Exchange, TokenStore};

use super::authorization_code::bound_key;
use super::issue::{Consumable, Issuance, Kept};
use super::{Grant, GrantType, TokenRequest, TokenResponse, refresh_grace, resource};

/// Rotates a refresh token: the scope may narrow, never widen; a rotated token presented again
/// revokes its whole family.
pub(crate) async fn rotate<P: Provider>(
    provider: &P,
    request: &TokenRequest<'_>,
    client: &ClientOf<P>,
) -> Result<TokenResponse, OAuthError> {
    let token = request.required("refresh_token")?;
    let store = provider.tokens();
    let token_hash = TokenHash::of(token);
    let found = store
        .find_refresh_token(&token_hash)
        .await?
        .ok_or(OAuthError::invalid_grant("the refresh token is invalid"))?;
    let (record, consumed) = (found.record, found.consumed);

    if record.client_id() != client.client_id() {
        return Err(OAuthError::invalid_grant(
            "the refresh token was issued to another client",
        ));
    }
    bound_key(
        record.extras(),
        request.dpop_jkt(),
        "the refresh token is bound to another DPoP key",
    )?;
    let now = SystemTime::now();
    if record.is_expired(now) {
        return Err(OAuthError::invalid_grant("the refresh token has expired"));
    }
    let family_over = provider
        .config()
        .grant_lifetime
        .zip(record.extras().granted_at())
        .is_some_and(|(lifetime, began)| began + lifetime <= now);
    if family_over {
        return Err(OAuthError::invalid_grant("the grant has expired"));
    }
    if let Some(subject) = record.subject()
        && !provider.owner_active(subject).await?
    {
        // The owner is gone: nothing of what they granted may go on working.
        store.revoke_grant(record.grant_id()).await?;
        let event = RevokeEvent {
            client_id: client.client_id(),
            reason: RevokeReason::OwnerInactive,
            grant_id: record.grant_id(),
        };
        provider.token_revoked(&event).await;
        return Err(OAuthError::invalid_grant("the grant is no longer valid"));
    }
    // What the grant still covers: never more than the client may hold now (§6 forbids more
    // than the original grant; a client narrowed since holds less).
    let original = record.scope().intersection(client.allowed_scope());
    if original.is_empty() && !record.scope().is_empty() {
        return Err(OAuthError::invalid_scope(
            "the client may no longer hold any scope of this grant",
        ));
    }
    let scope = match request.param("scope") {
        None => original,
        Some(s) => {
            let scope = <ClientOf<P> as OAuthClient>::Scope::parse(s).map_err(|_| {
                OAuthError::invalid_scope("the requested scope is unknown or malformed")
            })?;
            if !original.contains(scope) {
                return Err(OAuthError::invalid_scope(
                    "the requested scope exceeds the original grant",
                ));
            }
            scope
        }
    };

    // RFC 8707 §2.2: the access token may be for part of the granted audience; the successor
    // keeps all of it.
    let granted = record.extras().audience();
    let audience = resource::narrowed(provider, client, granted, request.params, scope)?;
    let mut extras = record.extras().clone();
    if audience != granted {
        extras = extras.with_audience(audience);
    }
    let mut grant = match record.subject() {
        Some(subject) => Grant::for_owner(subject, scope),
        None => Grant::for_client(scope).with_refresh_token(),
    }
    .with_extras(extras);
    let issuance =
        Issuance::new(provider, client, GrantType::RefreshToken).bound_to(request.dpop_jkt());
    issuance.approve(&mut grant).await?;
    // Rotation always hands back a successor, or the client would lose the grant.
    grant.refresh_token = true;
    let grant_id = record.grant_id();
    // §6: the new refresh token's scope is identical to the one it replaces; a narrower `scope`
    // parameter narrows only the access token. What `before_issue` took away goes for good.
    let kept_scope = original.difference(scope.difference(grant.scope));
    let mint = || {
        let kept = Kept {
            scope: kept_scope,
            audience: granted,
        };
        let mut minted = issuance.mint(grant_id, &grant, kept, Draw::new().tokens)?;
        // Core §12.2: the same `sub`, `aud` and `auth_time` as the first ID token, no nonce.
        issuance.add_id_token(&mut minted, &grant, None)?;
        let Some(successor) = minted.refresh else {
            return Err(OAuthError::new(
                ErrorCode::UnauthorizedClient,
                "the client may not use the refresh token grant",
            ));
        };
        Ok((minted.access, successor, minted.response))
    };
    let refresh = Consumable {
        replay: RevokeReason::RefreshReplay,
        used: "the refresh token was already used",
        missing: "the refresh token is invalid",
    };
    let grace = client
        .refresh_grace()
        .unwrap_or(provider.config().refresh_grace);
    if !consumed {
        let (access, successor, response) = mint()?;
        let outcome = store
            .rotate_refresh_token(&token_hash, access, successor)
            .await?;
        if outcome == Exchange::Done {
            refresh_grace::rotated(store, &token_hash, grace).await?;
        }
        if outcome != Exchange::AlreadyUsed {
            return issuance
                .settle(grant_id, &grant, response, outcome, refresh)
                .await;
        }
    }
    // Presented again after its rotation: within the grace, a fresh pair of the same family
    // with its successor untouched; else reuse, which revokes the family.
    if !refresh_grace::honoured(store, &token_hash, grace).await? {
        return Err(issuance.replayed(grant_id, refresh).await);
    }
    let (access, successor, response) = mint()?;
    store.insert_tokens(access, Some(successor)).await?;
    issuance
        .settle(grant_id, &grant, response, Exchange::Done, refresh)
        .await
}
