//! The device authorization request and response (RFC 8628 §3.1, §3.2), once the endpoint has
//! identified or authenticated the client.

use std::time::SystemTime;

use serde::Serialize;

use super::code::{format_user_code, new_user_code};
use super::record::{Record, Status, device_key, millis, point};
use crate::error::{ErrorCode, OAuthError};
use crate::grant::{GrantType, resolve_scope, resource};
use crate::model::{OAuthClient, TokenHash};
use crate::params::Params;
use crate::provider::{ClientOf, Provider};
use crate::scope::Scopes;
use crate::secret::{encode_token, random_bytes};
use crate::store::StateRef;

/// How many user codes are drawn before giving up on finding a free one.
const DRAWS: usize = 4;

/// The §3.2 response.
#[derive(Serialize)]
pub(crate) struct DeviceAuthorization {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: String,
    expires_in: u64,
    interval: u64,
}

/// Starts a flow for `client`: checks, then the codes, then the records. Nothing is stored for
/// a refused request.
pub(crate) async fn start<P: Provider>(
    provider: &P,
    state: StateRef<'_>,
    client: &ClientOf<P>,
    params: &Params<'_>,
) -> Result<DeviceAuthorization, OAuthError> {
    if !client.allows_grant_type(GrantType::DeviceCode.as_str()) {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "the client may not use this grant type",
        ));
    }
    let scope = resolve_scope(params.get("scope"), client.allowed_scope())?;
    let audience = resource::requested(provider, client, params, scope)?;
    let config = provider.config();
    let flow = &config.device;
    let verification_uri = flow.verification_uri_for(config).ok_or(OAuthError::new(
        ErrorCode::ServerError,
        "no verification URI is configured",
    ))?;

    let device_code = encode_token(&random_bytes::<32>());
    let hash = TokenHash::of(&device_code);
    let expires_at = SystemTime::now() + flow.lifetime;
    let mut user_code = None;
    for _ in 0..DRAWS {
        let candidate = new_user_code();
        if point(state, &candidate, &hash, expires_at).await? {
            user_code = Some(candidate);
            break;
        }
    }
    let user_code = user_code.ok_or(OAuthError::new(
        ErrorCode::TemporarilyUnavailable,
        "no free user code; try again",
    ))?;
    let interval = flow.interval.as_secs().max(1);
    let record = Record {
        client_id: client.client_id().to_owned(),
        scope: scope.to_scope_string(),
        audience,
        user_code: user_code.clone(),
        expires_at_ms: millis(expires_at),
        interval,
        last_poll_ms: None,
        status: Status::Pending,
    };
    record.put(state, &device_key(&hash)).await?;

    let shown = format_user_code(&user_code);
    let separator = if verification_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    Ok(DeviceAuthorization {
        verification_uri_complete: format!("{verification_uri}{separator}user_code={shown}"),
        device_code,
        user_code: shown,
        verification_uri,
        expires_in: flow.lifetime.as_secs(),
        interval,
    })
}
