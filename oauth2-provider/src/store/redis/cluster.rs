//! A grant family on a Redis Cluster, where one script may only touch keys of one hash slot:
//! a code or token and its grant's index hash to different slots (lookups know only the
//! token's hash, not its grant), so what one script does on one Redis takes ordered steps of
//! one key each here.
//!
//! The order keeps the guarantees of the one-script version:
//!
//! - **Consuming** (a code exchanged, a refresh token rotated) is one script on the consumed
//!   key, so exactly one caller wins; a loser writes nothing.
//! - **Successors are written before they are indexed**, and only an indexed record is ever
//!   handed out. Indexing is refused once the grant is revoked (its index holds the member
//!   `revoked`, which is never a key of the store: those hold a `:`); the refused records are deleted again. A revocation either sees a record
//!   in the index and deletes it, or makes its indexing fail: none outlives it.
//! - **A revoked index is kept** for at least [`REVOKED_HOLD_MS`], longer than any consumer
//!   may take between consuming and indexing ([`CONSUME_WINDOW_MS`], by the Redis servers'
//!   clock), so a slow consumer cannot index into a fresh set after the revoked one expired.
//!
//! A crash between steps leaves at worst a record no client ever received (harmless: only the
//! hash of its secret is stored) or a code consumed without tokens (the client starts over),
//! or a revocation half done, which the next `revoke_grant` of the grant completes.

use std::sync::LazyLock;

use redis::Script;

use super::script::{Record, lua_index};
use super::{RedisStore, redis_error};
use crate::error::StoreError;
use crate::store::Exchange;

/// How long after consuming a code or refresh token its successors may still be indexed.
const CONSUME_WINDOW_MS: i64 = 60_000;

/// How long a revoked grant's index outlives its revocation at least.
const REVOKED_HOLD_MS: i64 = 600_000;

/// KEYS: one record. ARGV: its expiry (ms since the epoch, or -1 for never), the number of
/// field and value arguments, then those. Returns 1.
static WRITE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r#"
local at = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3, 2 + tonumber(ARGV[2])))
if at >= 0 then redis.call('PEXPIREAT', KEYS[1], at) end
return 1
"#,
    )
});

/// KEYS: a code or refresh token. Marks it used; returns {0} (missing), {1} (already used)
/// or {2, the server's time in ms} (this caller consumed it).
static CONSUME_ONE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r#"
local used = redis.call('HGET', KEYS[1], 'used')
if not used then return {0} end
if used == '1' then return {1} end
redis.call('HSET', KEYS[1], 'used', '1')
local now = redis.call('TIME')
return {2, tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)}
"#,
    )
});

/// KEYS: a grant index. ARGV: a deadline (ms since the epoch, or -1 for none), then a record
/// key and its expiry per record. Returns 1 (indexed), 0 (the grant is revoked) or -1 (past
/// the deadline).
static INDEX: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        lua_index!(),
        r#"
if redis.call('SISMEMBER', KEYS[1], 'revoked') == 1 then return 0 end
local deadline = tonumber(ARGV[1])
if deadline >= 0 then
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > deadline then return -1 end
end
for i = 2, #ARGV, 2 do index(KEYS[1], ARGV[i], tonumber(ARGV[i + 1])) end
return 1
"#
    ))
});

/// KEYS: a grant index. ARGV: how long it is kept at least (ms). Marks it revoked; returns
/// the keys it lists.
static REVOKE_INDEX: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r#"
local fresh = redis.call('EXISTS', KEYS[1]) == 0
local members = redis.call('SMEMBERS', KEYS[1])
redis.call('SADD', KEYS[1], 'revoked')
local ttl = redis.call('PTTL', KEYS[1])
if fresh or (ttl >= 0 and ttl < tonumber(ARGV[1])) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local keys = {}
for _, key in ipairs(members) do
  if key ~= 'revoked' then keys[#keys + 1] = key end
end
return keys
"#,
    )
});

impl<S, K, A, R> RedisStore<S, K, A, R> {
    /// Writes `records` and indexes them under `grant`; if the grant is revoked meanwhile,
    /// deletes them again, as a revocation right after would have.
    pub(super) async fn insert_in_steps(
        &self,
        grant: &str,
        records: &[Record],
    ) -> Result<(), StoreError> {
        self.write_and_index(grant, records, -1).await.map(|_| ())
    }

    /// Consumes `consumed`, then stores the successors as [`insert_in_steps`] does;
    /// [`Exchange::Missing`] if the grant was revoked before they were indexed.
    ///
    /// [`insert_in_steps`]: Self::insert_in_steps
    pub(super) async fn consume_in_steps(
        &self,
        grant: &str,
        consumed: &str,
        records: &[Record],
    ) -> Result<Exchange, StoreError> {
        let outcome: Vec<i64> = CONSUME_ONE
            .key(consumed)
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        match outcome.as_slice() {
            [2, consumed_at] => {
                let deadline = consumed_at.saturating_add(CONSUME_WINDOW_MS);
                match self.write_and_index(grant, records, deadline).await? {
                    true => Ok(Exchange::Done),
                    false => Ok(Exchange::Missing),
                }
            }
            [1] => Ok(Exchange::AlreadyUsed),
            _ => Ok(Exchange::Missing),
        }
    }

    /// Marks the grant revoked, then deletes every key its index lists.
    pub(super) async fn revoke_in_steps(&self, grant: &str) -> Result<(), StoreError> {
        let members: Vec<String> = REVOKE_INDEX
            .key(grant)
            .arg(REVOKED_HOLD_MS)
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        self.delete(&members).await?;
        // Every member is gone and no more can join: the index need only cover the consumers
        // still between their steps. A retry after a crash before this point finds it whole.
        let _: i64 = redis::cmd("PEXPIRE")
            .arg(grant)
            .arg(REVOKED_HOLD_MS)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(())
    }

    /// `true` if indexed; `false` if the grant was revoked, the records deleted again.
    async fn write_and_index(
        &self,
        grant: &str,
        records: &[Record],
        deadline: i64,
    ) -> Result<bool, StoreError> {
        for record in records {
            let mut write = WRITE.prepare_invoke();
            write.key(&record.key);
            record.push(&mut write);
            let _: i64 = write
                .invoke_async(&mut self.conn.clone())
                .await
                .map_err(redis_error)?;
        }
        let mut index = INDEX.prepare_invoke();
        index.key(grant).arg(deadline);
        for record in records {
            index.arg(&record.key).arg(record.expires_ms);
        }
        let indexed: i64 = index
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        if indexed == 1 {
            return Ok(true);
        }
        let keys: Vec<&str> = records.iter().map(|r| r.key.as_str()).collect();
        self.delete(&keys).await?;
        if indexed == 0 {
            return Ok(false);
        }
        Err(StoreError::Unavailable(
            "the successors were not indexed within the consume window".into(),
        ))
    }

    /// One `DEL`; the cluster connection splits it by slot.
    async fn delete(&self, keys: &[impl AsRef<str>]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut del = redis::cmd("DEL");
        for key in keys {
            del.arg(key.as_ref());
        }
        let _: i64 = del
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(())
    }
}
