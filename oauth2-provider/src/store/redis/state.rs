//! [`StateStore`] for [`RedisStore`]: one hash per record (`value`, `version`, `expires_at` in
//! µs) that expires by itself; take, swap and delete are scripts, so each is one step.

use std::collections::HashMap;
use std::time::SystemTime;

use bytes::Bytes;

use super::fields::Fields;
use super::script::{DELETE_STATE, SWAP_STATE, TAKE_STATE, expiry_ms};
use super::{RedisStore, redis_error};
use crate::error::StoreError;
use crate::store::row::{corrupt, from_micros, to_micros};
use crate::store::state::{check_len, new_version};
use crate::store::{StateKey, StateStore, StoredState};

/// The record in `fields`, if it is live at `now` (µs).
fn live(mut fields: Fields, now: i64) -> Result<Option<StoredState>, StoreError> {
    let expires_at = fields.int("expires_at")?;
    if expires_at <= now {
        // Expired since, to the microsecond; the key's own expiry is rounded up to the next
        // millisecond.
        return Ok(None);
    }
    let version = u64::try_from(fields.int("version")?).map_err(|_| corrupt("version"))?;
    Ok(Some(StoredState {
        value: Bytes::from(fields.bytes("value")?),
        version,
        expires_at: from_micros(expires_at)?,
    }))
}

impl<S, K, A, R> RedisStore<S, K, A, R> {
    fn state_key(&self, key: &StateKey) -> String {
        self.key("state", key.as_bytes())
    }
}

impl<S, K, A, R> StateStore for RedisStore<S, K, A, R>
where
    S: Send + Sync + 'static,
    K: Send + Sync + 'static,
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    async fn put_state(
        &self,
        key: &StateKey,
        value: Bytes,
        expires_at: SystemTime,
    ) -> Result<u64, StoreError> {
        check_len(&value)?;
        let version = new_version();
        let key = self.state_key(key);
        let micros = to_micros(expires_at);
        // Every field is written each time, so nothing of the record before lingers; a time
        // already past makes PEXPIREAT delete the key at once.
        redis::pipe()
            .atomic()
            .cmd("HSET")
            .arg(&key)
            .arg("value")
            .arg(value.as_ref())
            .arg("version")
            .arg(version)
            .arg("expires_at")
            .arg(micros)
            .ignore()
            .cmd("PEXPIREAT")
            .arg(&key)
            .arg(expiry_ms(Some(micros)))
            .ignore()
            .query_async::<()>(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(version)
    }

    async fn get_state(&self, key: &StateKey) -> Result<Option<StoredState>, StoreError> {
        let now = to_micros(SystemTime::now());
        match self.fields(&self.state_key(key)).await? {
            Some(fields) => live(fields, now),
            None => Ok(None),
        }
    }

    async fn take_state(&self, key: &StateKey) -> Result<Option<StoredState>, StoreError> {
        let now = to_micros(SystemTime::now());
        let fields: HashMap<String, Vec<u8>> = TAKE_STATE
            .key(self.state_key(key))
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        if fields.is_empty() {
            return Ok(None);
        }
        live(Fields(fields), now)
    }

    async fn swap_state(
        &self,
        key: &StateKey,
        expected_version: u64,
        value: Bytes,
        expires_at: SystemTime,
    ) -> Result<Option<u64>, StoreError> {
        check_len(&value)?;
        let version = new_version();
        let micros = to_micros(expires_at);
        let swapped: i64 = SWAP_STATE
            .key(self.state_key(key))
            .arg(expected_version)
            .arg(to_micros(SystemTime::now()))
            .arg(version)
            .arg(value.as_ref())
            .arg(micros)
            .arg(expiry_ms(Some(micros)))
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok((swapped == 1).then_some(version))
    }

    async fn delete_state(&self, key: &StateKey) -> Result<bool, StoreError> {
        let now = to_micros(SystemTime::now());
        let expires_at: Option<String> = DELETE_STATE
            .key(self.state_key(key))
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        match expires_at {
            Some(at) => Ok(at.parse::<i64>().map_err(|_| corrupt("expires_at"))? > now),
            None => Ok(false),
        }
    }
}
