//! [`StateStore`] for [`SqlStore`]: one row per key in `oauth_state`, every method one
//! statement (MySQL's take, one short transaction), times in microseconds as in every table.

use std::time::SystemTime;

use bytes::Bytes;

use super::SqlStore;
use super::dialect::{Cells, Dialect, Value};
use super::stmt::STATE_COLUMNS;
use crate::error::StoreError;
use crate::store::row::{corrupt, from_micros, to_micros};
use crate::store::state::{check_len, new_version};
use crate::store::{StateKey, StateStore, StoredState};

fn state(row: Vec<Value>) -> Result<StoredState, StoreError> {
    let mut cells = Cells::new(row);
    let value = Bytes::from(cells.bytes()?);
    let version = u64::try_from(cells.int()?).map_err(|_| corrupt("a negative state version"))?;
    Ok(StoredState {
        value,
        version,
        expires_at: from_micros(cells.int()?)?,
    })
}

/// A fresh version, as the signed column holds it.
fn fresh() -> Result<(u64, i64), StoreError> {
    let version = new_version();
    let column = i64::try_from(version).map_err(|_| corrupt("a version beyond 63 bits"))?;
    Ok((version, column))
}

fn key(key: &StateKey) -> Value {
    Value::Bytes(key.as_bytes().to_vec())
}

fn now() -> Value {
    Value::Int(Some(to_micros(SystemTime::now())))
}

impl<D, S, K, A, R> StateStore for SqlStore<D, S, K, A, R>
where
    D: Dialect,
    S: Send + Sync + 'static,
    K: Send + Sync + 'static,
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    async fn put_state(
        &self,
        state_key: &StateKey,
        value: Bytes,
        expires_at: SystemTime,
    ) -> Result<u64, StoreError> {
        check_len(&value)?;
        let (version, column) = fresh()?;
        let expires_at = to_micros(expires_at);
        // Concurrent upserts of one key can deadlock in InnoDB; the loser runs again.
        self.retrying(|| async {
            let params = vec![
                key(state_key),
                Value::Bytes(value.to_vec()),
                Value::Int(Some(column)),
                Value::Int(Some(expires_at)),
            ];
            let mut conn = self.pool.acquire().await?;
            D::execute(&mut conn, D::STATEMENTS.put_state, params).await
        })
        .await?;
        Ok(version)
    }

    async fn get_state(&self, state_key: &StateKey) -> Result<Option<StoredState>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let params = vec![key(state_key), now()];
        let rows = D::fetch(&mut conn, D::STATEMENTS.get_state, params, STATE_COLUMNS)
            .await
            .map_err(Self::error)?;
        rows.into_iter().next().map(state).transpose()
    }

    async fn take_state(&self, state_key: &StateKey) -> Result<Option<StoredState>, StoreError> {
        let now = to_micros(SystemTime::now());
        let taken = self
            .retrying(|| D::take_state(&self.pool, state_key.as_bytes().to_vec(), now))
            .await?;
        taken.map(state).transpose()
    }

    async fn swap_state(
        &self,
        state_key: &StateKey,
        expected_version: u64,
        value: Bytes,
        expires_at: SystemTime,
    ) -> Result<Option<u64>, StoreError> {
        check_len(&value)?;
        // No stored version is this large.
        let Ok(expected) = i64::try_from(expected_version) else {
            return Ok(None);
        };
        let (version, column) = fresh()?;
        let params = vec![
            Value::Bytes(value.to_vec()),
            Value::Int(Some(column)),
            Value::Int(Some(to_micros(expires_at))),
            key(state_key),
            Value::Int(Some(expected)),
            now(),
        ];
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let swapped = D::execute(&mut conn, D::STATEMENTS.swap_state, params)
            .await
            .map_err(Self::error)?;
        // The new version always differs from the one matched, so MySQL's count of changed
        // (not matched) rows is 1 for a swap that won too.
        Ok((swapped == 1).then_some(version))
    }

    async fn delete_state(&self, state_key: &StateKey) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let params = vec![key(state_key), now()];
        let deleted = D::execute(&mut conn, D::STATEMENTS.delete_state, params)
            .await
            .map_err(Self::error)?;
        Ok(deleted > 0)
    }
}
