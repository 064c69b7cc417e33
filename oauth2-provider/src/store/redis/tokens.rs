//! [`TokenStore`] for [`RedisStore`]: one script per operation that touches several keys, on
//! a cluster all of them in the slot of one grant family.

use std::sync::Arc;
use std::time::SystemTime;

use redis::Script;

use super::script::{CONSUME, INSERT, REVOKE_GRANT, Record, code_record, expiry_ms, token_record};
use super::{RedisStore, redis_error};
use crate::error::StoreError;
use crate::model::{
    AccessKind, AccessToken, AuthorizationCode, GrantId, RefreshKind, RefreshToken, TokenHash,
};
use crate::scope::Scopes;
use crate::store::row::{CodeRow, TokenRow, to_micros};
use crate::store::{Exchange, Stored, TokenStore};

impl<S, K, A, R> RedisStore<S, K, A, R>
where
    S: Scopes,
    A: AccessToken<Scope = S>,
    R: RefreshToken<Scope = S>,
{
    /// The records of an access token and its refresh token, indexed under the access
    /// token's grant.
    fn records(&self, access: &A, refresh: Option<&R>) -> Result<Vec<Record>, StoreError> {
        let grant_id = access.grant_id();
        let key = self.member_key("access", access.token_hash(), grant_id)?;
        let mut records = vec![token_record(
            key,
            TokenRow::of::<AccessKind, _>(access),
            false,
        )];
        if let Some(refresh) = refresh {
            let key = self.member_key("refresh", refresh.token_hash(), grant_id)?;
            records.push(token_record(
                key,
                TokenRow::of::<RefreshKind, _>(refresh),
                true,
            ));
        }
        Ok(records)
    }

    async fn run(
        &self,
        script: &Script,
        leading_keys: &[String],
        records: &[Record],
    ) -> Result<i64, StoreError> {
        let mut invocation = script.prepare_invoke();
        for key in leading_keys {
            invocation.key(key);
        }
        for record in records {
            invocation.key(&record.key);
        }
        for record in records {
            record.push(&mut invocation);
        }
        invocation
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)
    }

    /// Consumes the `kind` (code or refresh token) `consumed` and stores its successors.
    async fn consume(
        &self,
        kind: &str,
        consumed: &TokenHash,
        access: &A,
        refresh: Option<&R>,
    ) -> Result<Exchange, StoreError> {
        let records = self.records(access, refresh)?;
        let grant_id = access.grant_id();
        // On a cluster a code or token of another family is not this grant's: it cannot be
        // stored in the grant's slot, so there is nothing of it to consume there.
        let Ok(consumed) = self.member_key(kind, consumed, grant_id) else {
            return Ok(Exchange::Missing);
        };
        let keys = [self.grant_key(grant_id), consumed];
        match self.run(&CONSUME, &keys, &records).await? {
            2 => Ok(Exchange::Done),
            1 => Ok(Exchange::AlreadyUsed),
            _ => Ok(Exchange::Missing),
        }
    }

    async fn insert(&self, grant_id: GrantId, records: &[Record]) -> Result<(), StoreError> {
        self.run(&INSERT, &[self.grant_key(grant_id)], records)
            .await?;
        Ok(())
    }
}

impl<S, K, A, R> TokenStore for RedisStore<S, K, A, R>
where
    S: Scopes,
    K: AuthorizationCode<Scope = S>,
    A: AccessToken<Scope = S>,
    R: RefreshToken<Scope = S>,
{
    type Scope = S;
    type Code = K;
    type AccessToken = A;
    type RefreshToken = R;

    async fn insert_code(&self, code: K) -> Result<(), StoreError> {
        let key = self.member_key("code", code.code_hash(), code.grant_id())?;
        let record = code_record(key, CodeRow::of(&code));
        self.insert(code.grant_id(), &[record]).await
    }

    async fn find_code(&self, code_hash: &TokenHash) -> Result<Option<Arc<K>>, StoreError> {
        let Some(key) = self.family_key("code", code_hash) else {
            return Ok(None);
        };
        let Some(mut fields) = self.fields(&key).await? else {
            return Ok(None);
        };
        let row = CodeRow {
            code_hash: code_hash.as_bytes().to_vec(),
            grant_id: fields.bytes("grant_id")?,
            client_id: fields.text("client_id")?,
            subject: fields.text("subject")?,
            redirect_uri: fields.optional_text("redirect_uri")?,
            scope: fields.text("scope")?,
            challenge_method: fields.optional_text("challenge_method")?,
            challenge: fields.optional_text("challenge")?,
            expires_at: fields.int("expires_at")?,
            extras: fields.optional_text("extras")?,
        };
        row.into_record().map(|c| Some(Arc::new(c)))
    }

    async fn exchange_code(
        &self,
        code_hash: &TokenHash,
        access: A,
        refresh: Option<R>,
    ) -> Result<Exchange, StoreError> {
        self.consume("code", code_hash, &access, refresh.as_ref())
            .await
    }

    async fn insert_tokens(&self, access: A, refresh: Option<R>) -> Result<(), StoreError> {
        let records = self.records(&access, refresh.as_ref())?;
        self.insert(access.grant_id(), &records).await
    }

    async fn find_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Arc<A>>, StoreError> {
        let Some(key) = self.family_key("access", token_hash) else {
            return Ok(None);
        };
        let Some(mut fields) = self.fields(&key).await? else {
            return Ok(None);
        };
        let token = fields
            .token_row(token_hash)?
            .into_record::<AccessKind, A>()?;
        Ok(Some(Arc::new(token)))
    }

    async fn find_refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Stored<R>>, StoreError> {
        let Some(key) = self.family_key("refresh", token_hash) else {
            return Ok(None);
        };
        let Some(mut fields) = self.fields(&key).await? else {
            return Ok(None);
        };
        let row = fields.token_row(token_hash)?;
        let consumed = fields.bytes("used")? == b"1";
        Ok(Some(Stored {
            record: Arc::new(row.into_record::<RefreshKind, R>()?),
            consumed,
        }))
    }

    async fn rotate_refresh_token(
        &self,
        token_hash: &TokenHash,
        access: A,
        refresh: R,
    ) -> Result<Exchange, StoreError> {
        self.consume("refresh", token_hash, &access, Some(&refresh))
            .await
    }

    async fn revoke_access_token(&self, token_hash: &TokenHash) -> Result<bool, StoreError> {
        // The grant index keeps the key's name until the index expires; deleting a key that is
        // gone is harmless when the grant is revoked.
        let Some(key) = self.family_key("access", token_hash) else {
            return Ok(false);
        };
        let deleted: i64 = redis::cmd("DEL")
            .arg(key)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(deleted > 0)
    }

    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), StoreError> {
        let _: i64 = REVOKE_GRANT
            .key(self.grant_key(grant_id))
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(())
    }

    async fn purge_expired(&self, _now: SystemTime) -> Result<usize, StoreError> {
        // Every expiring key carries a TTL: Redis purges by itself.
        Ok(0)
    }

    async fn remember_once(&self, key: &TokenHash, until: SystemTime) -> Result<bool, StoreError> {
        let key = self.key("once", key.as_bytes());
        let at = expiry_ms(Some(to_micros(until)));
        if at <= expiry_ms(Some(to_micros(SystemTime::now()))) {
            // Remembered until a time past: nothing to keep (`PXAT` would refuse it); first
            // unless remembered still.
            let exists: i64 = redis::cmd("EXISTS")
                .arg(&key)
                .query_async(&mut self.conn.clone())
                .await
                .map_err(redis_error)?;
            return Ok(exists == 0);
        }
        // An expired key is gone, so NX alone takes it over.
        let set: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(1)
            .arg("NX")
            .arg("PXAT")
            .arg(at)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(set.is_some())
    }
}
