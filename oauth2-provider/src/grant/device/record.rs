//! The pending device authorization at rest: a JSON record under the device code's hash, and
//! the device code's hash under the normalised user code. Neither code is stored.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, OAuthError};
use crate::model::{AuthContext, TokenHash};
use crate::store::{StateKey, StateRef};

/// How long an expired device record is kept, so a late poll hears `expired_token` rather
/// than `invalid_grant`.
const KEEP_EXPIRED: Duration = Duration::from_secs(600);

/// Where the device record is: the SHA-256 of the device code, hashed once more into its key.
pub(super) fn device_key(hash: &TokenHash) -> StateKey {
    StateKey::new("device_code", hash.as_bytes())
}

/// Where the user code points from: the normalised user code.
pub(super) fn user_key(user_code: &str) -> StateKey {
    StateKey::new("device_user_code", user_code)
}

/// Milliseconds since the epoch.
pub(super) fn millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn at_millis(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

/// Where the flow stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "is", rename_all = "snake_case")]
pub(super) enum Status {
    /// Waiting for the user.
    Pending,
    /// The user approved: for whom, what scope, how they signed in.
    Approved {
        subject: String,
        scope: String,
        auth: Option<AuthContext>,
    },
    /// The user denied.
    Denied,
}

/// One device authorization request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Record {
    pub client_id: String,
    /// The scope requested, as its §3.3 string.
    pub scope: String,
    /// The resources requested (RFC 8707), the tokens' audience.
    pub audience: Vec<String>,
    /// The normalised user code, to drop its pointer once decided.
    pub user_code: String,
    pub expires_at_ms: u64,
    /// The current interval, in seconds (grows by 5 at each `slow_down`).
    pub interval: u64,
    pub last_poll_ms: Option<u64>,
    pub status: Status,
}

/// A record as read, with the version to swap against.
pub(super) struct Loaded {
    pub record: Record,
    pub version: u64,
}

impl Record {
    pub(super) fn expires_at(&self) -> SystemTime {
        at_millis(self.expires_at_ms)
    }

    pub(super) fn expired(&self, now: SystemTime) -> bool {
        millis(now) >= self.expires_at_ms
    }

    /// When the store may forget it.
    pub(super) fn kept_until(&self) -> SystemTime {
        self.expires_at() + KEEP_EXPIRED
    }

    fn encode(&self) -> Result<Bytes, OAuthError> {
        serde_json::to_vec(self)
            .map(Bytes::from)
            .map_err(|_| broken())
    }

    /// Stores a new record (a fresh key: nothing to swap against).
    pub(super) async fn put(&self, state: StateRef<'_>, key: &StateKey) -> Result<(), OAuthError> {
        state
            .put_state(key, self.encode()?, self.kept_until())
            .await?;
        Ok(())
    }

    /// Replaces the record read at `version`; `false` when another step won.
    pub(super) async fn swap(
        &self,
        state: StateRef<'_>,
        key: &StateKey,
        version: u64,
    ) -> Result<bool, OAuthError> {
        let swapped = state
            .swap_state(key, version, self.encode()?, self.kept_until())
            .await?;
        Ok(swapped.is_some())
    }
}

fn broken() -> OAuthError {
    OAuthError::new(ErrorCode::ServerError, "a device record is unreadable")
}

fn decode(value: &[u8]) -> Result<Record, OAuthError> {
    serde_json::from_slice(value).map_err(|_| broken())
}

/// The device record under `key`, if any.
pub(super) async fn load(
    state: StateRef<'_>,
    key: &StateKey,
) -> Result<Option<Loaded>, OAuthError> {
    let Some(stored) = state.get_state(key).await? else {
        return Ok(None);
    };
    Ok(Some(Loaded {
        record: decode(&stored.value)?,
        version: stored.version,
    }))
}

/// Takes the device record under `key`: exactly one caller gets it.
pub(super) async fn take(
    state: StateRef<'_>,
    key: &StateKey,
) -> Result<Option<Record>, OAuthError> {
    match state.take_state(key).await? {
        Some(stored) => decode(&stored.value).map(Some),
        None => Ok(None),
    }
}

/// The device code hash a normalised user code points to, if it is live.
pub(super) async fn device_of(
    state: StateRef<'_>,
    user_code: &str,
) -> Result<Option<TokenHash>, OAuthError> {
    let Some(stored) = state.get_state(&user_key(user_code)).await? else {
        return Ok(None);
    };
    let bytes: [u8; 32] = stored.value.as_ref().try_into().map_err(|_| broken())?;
    Ok(Some(TokenHash::from_bytes(bytes)))
}

/// Points `user_code` at `device` until `expires_at`, unless the user code is taken by a live
/// request (then `false`: draw another).
pub(super) async fn point(
    state: StateRef<'_>,
    user_code: &str,
    device: &TokenHash,
    expires_at: SystemTime,
) -> Result<bool, OAuthError> {
    let key = user_key(user_code);
    if state.get_state(&key).await?.is_some() {
        return Ok(false);
    }
    let value = Bytes::copy_from_slice(device.as_bytes());
    state.put_state(&key, value, expires_at).await?;
    Ok(true)
}
