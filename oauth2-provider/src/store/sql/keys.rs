//! [`KeyStore`] for [`SqlStore`]: one row per key in `oauth_keys`, keyed by `kid`.

use zeroize::Zeroizing;

use super::SqlStore;
use super::dialect::{Cells, Dialect, Value};
use super::stmt::KEY_COLUMNS;
use crate::error::StoreError;
use crate::store::keys::stored_alg;
use crate::store::row::{from_micros, to_micros};
use crate::store::{KeyStore, StoredKey};

fn key(row: Vec<Value>) -> Result<StoredKey, StoreError> {
    let mut cells = Cells::new(row);
    let kid = cells.text()?;
    let alg = stored_alg(&cells.text()?)?;
    let created_at = from_micros(cells.int()?)?;
    let activates_at = from_micros(cells.int()?)?;
    let retired_at = cells.optional_int()?.map(from_micros).transpose()?;
    let retain_until = cells.optional_int()?.map(from_micros).transpose()?;
    Ok(StoredKey {
        kid,
        alg,
        created_at,
        activates_at,
        retired_at,
        retain_until,
        encrypted: cells.bool()?,
        private_key: Zeroizing::new(cells.bytes()?),
    })
}

impl<D, S, K, A, R> KeyStore for SqlStore<D, S, K, A, R>
where
    D: Dialect,
    S: Send + Sync + 'static,
    K: Send + Sync + 'static,
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    async fn load_keys(&self) -> Result<Vec<StoredKey>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let rows = D::fetch(&mut conn, D::STATEMENTS.load_keys, Vec::new(), KEY_COLUMNS)
            .await
            .map_err(Self::error)?;
        let mut keys = rows.into_iter().map(key).collect::<Result<Vec<_>, _>>()?;
        // Byte order, whatever the database's collation.
        keys.sort_by(|a, b| a.kid.cmp(&b.kid));
        Ok(keys)
    }

    async fn save_key(&self, key: StoredKey) -> Result<(), StoreError> {
        let params = vec![
            Value::Text(Some(key.kid.clone())),
            Value::Text(Some(key.alg.as_str().to_owned())),
            Value::Int(Some(to_micros(key.created_at))),
            Value::Int(Some(to_micros(key.activates_at))),
            Value::Int(key.retired_at.map(to_micros)),
            Value::Int(key.retain_until.map(to_micros)),
            Value::Bool(key.encrypted),
            Value::Bytes(key.private_key.to_vec()),
        ];
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        D::execute(&mut conn, D::STATEMENTS.save_key, params)
            .await
            .map_err(Self::error)?;
        Ok(())
    }

    async fn delete_key(&self, kid: &str) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let params = vec![Value::Text(Some(kid.to_owned()))];
        let deleted = D::execute(&mut conn, D::STATEMENTS.delete_key, params)
            .await
            .map_err(Self::error)?;
        Ok(deleted > 0)
    }
}
