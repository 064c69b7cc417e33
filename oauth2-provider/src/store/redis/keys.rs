//! [`KeyStore`] for [`RedisStore`]: one hash per key, and a set of every `kid`; neither
//! expires.

use zeroize::Zeroizing;

use super::{RedisStore, redis_error};
use crate::error::StoreError;
use crate::store::keys::stored_alg;
use crate::store::row::{corrupt, from_micros, to_micros};
use crate::store::{KeyStore, StoredKey};

impl<S, K, A, R> RedisStore<S, K, A, R> {
    fn signing_key_key(&self, kid: &str) -> String {
        format!("{}key:{kid}", self.prefix)
    }

    fn signing_keys_key(&self) -> String {
        format!("{}keys", self.prefix)
    }

    async fn find_key(&self, kid: &str) -> Result<Option<StoredKey>, StoreError> {
        let Some(mut fields) = self.fields(&self.signing_key_key(kid)).await? else {
            return Ok(None);
        };
        let mut time = |name| -> Result<Option<_>, StoreError> {
            if fields.0.contains_key(name) {
                Ok(Some(from_micros(fields.int(name)?)?))
            } else {
                Ok(None)
            }
        };
        let created_at = time("created_at")?.ok_or_else(|| corrupt("created_at"))?;
        let activates_at = time("activates_at")?.ok_or_else(|| corrupt("activates_at"))?;
        let retired_at = time("retired_at")?;
        let retain_until = time("retain_until")?;
        let encrypted = match fields.text("encrypted")?.as_str() {
            "1" => true,
            "0" => false,
            _ => return Err(corrupt("encrypted")),
        };
        Ok(Some(StoredKey {
            kid: kid.to_owned(),
            alg: stored_alg(&fields.text("alg")?)?,
            created_at,
            activates_at,
            retired_at,
            retain_until,
            encrypted,
            private_key: Zeroizing::new(fields.bytes("private_key")?),
        }))
    }
}

impl<S, K, A, R> KeyStore for RedisStore<S, K, A, R>
where
    S: Send + Sync + 'static,
    K: Send + Sync + 'static,
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    async fn load_keys(&self) -> Result<Vec<StoredKey>, StoreError> {
        let kids: Vec<String> = redis::cmd("SMEMBERS")
            .arg(self.signing_keys_key())
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        let mut keys = Vec::with_capacity(kids.len());
        for kid in kids {
            // A key deleted since SMEMBERS is simply not loaded.
            if let Some(key) = self.find_key(&kid).await? {
                keys.push(key);
            }
        }
        keys.sort_by(|a, b| a.kid.cmp(&b.kid));
        Ok(keys)
    }

    async fn save_key(&self, key: StoredKey) -> Result<(), StoreError> {
        let hash = self.signing_key_key(&key.kid);
        // Listed first, as a client is: a crash between leaves a `kid` without a key, which
        // loading skips.
        let _: i64 = redis::cmd("SADD")
            .arg(self.signing_keys_key())
            .arg(&key.kid)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        let mut pipe = redis::pipe();
        // Deleted first so a field the new record lacks (no longer retired) goes too.
        pipe.atomic().del(&hash).ignore();
        pipe.cmd("HSET")
            .arg(&hash)
            .arg("alg")
            .arg(key.alg.as_str())
            .arg("created_at")
            .arg(to_micros(key.created_at))
            .arg("activates_at")
            .arg(to_micros(key.activates_at))
            .arg("encrypted")
            .arg(if key.encrypted { "1" } else { "0" })
            .arg("private_key")
            .arg(key.private_key.as_slice());
        if let Some(retired_at) = key.retired_at {
            pipe.arg("retired_at").arg(to_micros(retired_at));
        }
        if let Some(retain_until) = key.retain_until {
            pipe.arg("retain_until").arg(to_micros(retain_until));
        }
        pipe.ignore();
        pipe.query_async::<()>(&mut self.conn.clone())
            .await
            .map_err(redis_error)
    }

    async fn delete_key(&self, kid: &str) -> Result<bool, StoreError> {
        let deleted: i64 = redis::cmd("DEL")
            .arg(self.signing_key_key(kid))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        let _: i64 = redis::cmd("SREM")
            .arg(self.signing_keys_key())
            .arg(kid)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(deleted > 0)
    }
}
