//! The device access token request (RFC 8628 §3.4, §3.5): pending, slowed down, denied,
//! expired, or tokens, issued once.

use std::time::SystemTime;

use super::record::{Loaded, Record, Status, device_key, load, millis, take};
use crate::error::{ErrorCode, OAuthError};
use crate::grant::issue::{Issuance, Kept};
use crate::grant::{Grant, GrantType, TokenRequest, TokenResponse};
use crate::model::{Extras, OAuthClient, TokenHash};
use crate::provider::{ClientOf, Provider, ScopeOf};
use crate::scope::Scopes;
use crate::secret::{Draw, ct_eq};
use crate::store::{StateRef, TokenStore};

/// How much each `slow_down` adds to the interval, in seconds (§3.5).
const SLOW_DOWN_SECONDS: u64 = 5;

fn invalid() -> OAuthError {
    OAuthError::invalid_grant("the device code is invalid")
}

/// Answers a poll with `device_code` by `client`.
pub(crate) async fn exchange<P: Provider>(
    provider: &P,
    request: &TokenRequest<'_>,
    client: &ClientOf<P>,
) -> Result<TokenResponse, OAuthError> {
    let state = super::served(provider).ok_or(OAuthError::new(
        ErrorCode::UnsupportedGrantType,
        "the grant type is not supported",
    ))?;
    let device_code = request.required("device_code")?;
    let key = device_key(&TokenHash::of(device_code));
    let Loaded {
        mut record,
        version,
    } = load(state, &key).await?.ok_or_else(invalid)?;
    if !ct_eq(&record.client_id, client.client_id()) {
        return Err(OAuthError::invalid_grant(
            "the device code was issued to another client",
        ));
    }
    let now = SystemTime::now();
    if record.expired(now) {
        return Err(OAuthError::new(
            ErrorCode::ExpiredToken,
            "the device code has expired",
        ));
    }
    match record.status.clone() {
        Status::Pending => {
            let fast = record.last_poll_ms.is_some_and(|last| {
                millis(now).saturating_sub(last) < record.interval.saturating_mul(1000)
            });
            record.last_poll_ms = Some(millis(now));
            if fast {
                record.interval = record.interval.saturating_add(SLOW_DOWN_SECONDS);
            }
            // A poll that loses the swap raced another poll or the decision: too fast either way.
            let won = record.swap(state, &key, version).await?;
            Err(if fast || !won {
                OAuthError::new(
                    ErrorCode::SlowDown,
                    "polling too fast; wait 5 seconds more between requests",
                )
            } else {
                OAuthError::new(
                    ErrorCode::AuthorizationPending,
                    "the user has not decided yet",
                )
            })
        }
        Status::Denied => {
            // Said once; the code is spent.
            take(state, &key).await?.ok_or_else(invalid)?;
            Err(OAuthError::new(
                ErrorCode::AccessDenied,
                "the user denied the request",
            ))
        }
        Status::Approved {
            subject,
            scope,
            auth,
        } => {
            let issuance =
                Issuance::new(provider, client, GrantType::DeviceCode).bound_to(request.dpop_jkt());
            issue(issuance, state, &record, subject, &scope, auth, &key).await
        }
    }
}

/// Mints the tokens of an approved flow, then consumes the device code: only the caller that
/// takes the record stores and returns them.
async fn issue<P: Provider>(
    issuance: Issuance<'_, P>,
    state: StateRef<'_>,
    record: &Record,
    subject: String,
    scope: &str,
    auth: Option<crate::model::AuthContext>,
    key: &crate::store::StateKey,
) -> Result<TokenResponse, OAuthError> {
    let scope = ScopeOf::<P>::parse(scope)
        .map_err(|_| OAuthError::new(ErrorCode::ServerError, "a device record is unreadable"))?;
    let mut extras = Extras::default();
    if !record.audience.is_empty() {
        extras = extras.with_audience(record.audience.clone());
    }
    if let Some(auth) = auth {
        extras = extras.with_auth(auth);
    }
    let mut grant = Grant::for_owner(subject, scope).with_extras(extras);
    issuance.approve(&mut grant).await?;
    let Draw { tokens, grant_id } = Draw::new();
    let kept = Kept {
        scope: grant.scope,
        audience: &record.audience,
    };
    let mut minted = issuance.mint(grant_id, &grant, kept, tokens)?;
    issuance.add_id_token(&mut minted, &grant, None)?;
    match take(state, key).await? {
        Some(taken) if matches!(taken.status, Status::Approved { .. }) => {}
        _ => return Err(invalid()),
    }
    issuance
        .provider()
        .tokens()
        .insert_tokens(minted.access, minted.refresh)
        .await?;
    issuance.notify(grant_id, &grant, &minted.response).await;
    Ok(minted.response)
}
