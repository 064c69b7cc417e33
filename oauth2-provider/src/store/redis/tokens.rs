//! [`TokenStore`] for [`RedisStore`]: one script per operation that touches several keys.

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
    fn access_record(&self, access: &A) -> Record {
        let key = self.key("access", access.token_hash().as_bytes());
        token_record(key, TokenRow::of::<AccessKind, _>(access), false)
    }

    fn refresh_record(&self, refresh: &R) -> Record {
        let key = self.key("refresh", refresh.token_hash().as_bytes());
        token_record(key, TokenRow::of::<RefreshKind, _>(refresh), true)
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

    async fn consume(
        &self,
        consumed: String,
        access: &A,
        refresh: Option<&R>,
    ) -> Result<Exchange, StoreError> {
        let mut records = vec![self.access_record(access)];
        records.extend(refresh.map(|r| self.refresh_record(r)));
        let grant = self.grant_key(access.grant_id());
        if self.conn.is_cluster() {
            return self.consume_in_steps(&grant, &consumed, &records).await;
        }
        match self.run(&CONSUME, &[grant, consumed], &records).await? {
            2 => Ok(Exchange::Done),
            1 => Ok(Exchange::AlreadyUsed),
            _ => Ok(Exchange::Missing),
        }
    }

    async fn insert(&self, grant: String, records: &[Record]) -> Result<(), StoreError> {
        if self.conn.is_cluster() {
            return self.insert_in_steps(&grant, records).await;
        }
        self.run(&INSERT, &[grant], records).await?;
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
        let record = code_record(
            self.key("code", code.code_hash().as_bytes()),
            CodeRow::of(&code),
        );
        self.insert(self.grant_key(code.grant_id()), &[record])
            .await
    }

    async fn find_code(&self, code_hash: &TokenHash) -> Result<Option<Arc<K>>, StoreError> {
        let Some(mut fields) = self.fields(&self.key("code", code_hash.as_bytes())).await? else {
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
        let code = self.key("code", code_hash.as_bytes());
        self.consume(code, &access, refresh.as_ref()).await
    }

    async fn insert_tokens(&self, access: A, refresh: Option<R>) -> Result<(), StoreError> {
        let mut records = vec![self.access_record(&access)];
        records.extend(refresh.as_ref().map(|r| self.refresh_record(r)));
        self.insert(self.grant_key(access.grant_id()), &records)
            .await
    }

    async fn find_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Arc<A>>, StoreError> {
        let key = self.key("access", token_hash.as_bytes());
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
        let key = self.key("refresh", token_hash.as_bytes());
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
        let old = self.key("refresh", token_hash.as_bytes());
        self.consume(old, &access, Some(&refresh)).await
    }

    async fn revoke_access_token(&self, token_hash: &TokenHash) -> Result<bool, StoreError> {
        // The grant index keeps the key's name until the index expires; deleting a key that is
        // gone is harmless when the grant is revoked.
        let deleted: i64 = redis::cmd("DEL")
            .arg(self.key("access", token_hash.as_bytes()))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(deleted > 0)
    }

    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), StoreError> {
        if self.conn.is_cluster() {
            return self.revoke_in_steps(&self.grant_key(grant_id)).await;
        }
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
