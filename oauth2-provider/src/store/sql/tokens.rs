//! [`TokenStore`] for [`SqlStore`], written once over the dialect's primitives.

use std::time::SystemTime;

use super::dialect::private::Conn;
use super::dialect::{Cells, Dialect, Value};
use super::stmt::{CODE_COLUMNS, REFRESH_COLUMNS, TOKEN_COLUMNS, USED};
use super::{PURGE_BATCH, SqlStore};
use crate::error::StoreError;
use crate::model::{
    AccessKind, AccessToken, AuthorizationCode, GrantId, RefreshKind, RefreshToken, TokenHash,
    TokenKind, TokenModel,
};
use crate::scope::Scopes;
use crate::store::row::{CodeRow, TokenRow, to_micros};
use crate::store::{Exchange, Stored, TokenStore};

fn hash(hash: &TokenHash) -> Vec<Value> {
    vec![Value::Bytes(hash.as_bytes().to_vec())]
}

fn token_params(row: TokenRow) -> Vec<Value> {
    vec![
        Value::Bytes(row.token_hash),
        Value::Bytes(row.grant_id),
        Value::Text(Some(row.client_id)),
        Value::Text(row.subject),
        Value::Text(Some(row.scope)),
        Value::Int(row.expires_at),
        Value::Text(row.extras),
    ]
}

fn token_row(cells: &mut Cells) -> Result<TokenRow, StoreError> {
    Ok(TokenRow {
        token_hash: cells.bytes()?,
        grant_id: cells.bytes()?,
        client_id: cells.text()?,
        subject: cells.optional_text()?,
        scope: cells.text()?,
        expires_at: cells.optional_int()?,
        extras: cells.optional_text()?,
    })
}

impl<D, S, K, A, R> SqlStore<D, S, K, A, R>
where
    D: Dialect,
    S: Scopes,
    A: AccessToken<Scope = S>,
    R: RefreshToken<Scope = S>,
{
    /// Inserts an access or refresh token on `conn`.
    async fn insert_token<T: TokenKind, M: TokenModel<T>>(
        conn: &mut Conn<D>,
        statement: &'static str,
        token: &M,
    ) -> Result<(), sqlx::Error> {
        let params = token_params(TokenRow::of::<T, M>(token));
        D::execute(conn, statement, params).await?;
        Ok(())
    }

    /// The access token and, if any, the refresh token, on `conn`.
    async fn insert_pair(
        conn: &mut Conn<D>,
        access: &A,
        refresh: Option<&R>,
    ) -> Result<(), sqlx::Error> {
        let statements = D::STATEMENTS;
        Self::insert_token::<AccessKind, A>(conn, statements.insert_access, access).await?;
        if let Some(refresh) = refresh {
            Self::insert_token::<RefreshKind, R>(conn, statements.insert_refresh, refresh).await?;
        }
        Ok(())
    }

    /// Consumes the row `hash` of the table behind `consume`/`used` and, if this caller won
    /// it, inserts the successors, all in one family transaction.
    async fn consume(
        &self,
        consume: &'static str,
        used: &'static str,
        hash: &TokenHash,
        access: &A,
        refresh: Option<&R>,
    ) -> Result<Exchange, StoreError> {
        self.retrying(|| async {
            let mut tx = self
                .dialect
                .begin_family(&self.pool, access.grant_id())
                .await?;
            let won = D::execute(&mut tx, consume, self::hash(hash)).await? == 1;
            if !won {
                let found = D::fetch(&mut tx, used, self::hash(hash), USED).await?;
                tx.rollback().await?;
                return Ok(if found.is_empty() {
                    Exchange::Missing
                } else {
                    Exchange::AlreadyUsed
                });
            }
            Self::insert_pair(&mut tx, access, refresh).await?;
            tx.commit().await?;
            Ok(Exchange::Done)
        })
        .await
    }

    /// The rows of the query `sql` for `hash`.
    async fn find(
        &self,
        sql: &'static str,
        hash: &TokenHash,
        columns: &'static [super::dialect::Column],
    ) -> Result<Option<Cells>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let rows = D::fetch(&mut conn, sql, self::hash(hash), columns)
            .await
            .map_err(Self::error)?;
        Ok(rows.into_iter().next().map(Cells::new))
    }
}

impl<D, S, K, A, R> TokenStore for SqlStore<D, S, K, A, R>
where
    D: Dialect,
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
        let row = CodeRow::of(&code);
        let params = vec![
            Value::Bytes(row.code_hash),
            Value::Bytes(row.grant_id),
            Value::Text(Some(row.client_id)),
            Value::Text(Some(row.subject)),
            Value::Text(row.redirect_uri),
            Value::Text(Some(row.scope)),
            Value::Text(row.challenge_method),
            Value::Text(row.challenge),
            Value::Int(Some(row.expires_at)),
            Value::Text(row.extras),
        ];
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        D::execute(&mut conn, D::STATEMENTS.insert_code, params)
            .await
            .map_err(Self::error)?;
        Ok(())
    }

    async fn find_code(
        &self,
        code_hash: &TokenHash,
    ) -> Result<Option<std::sync::Arc<K>>, StoreError> {
        let Some(mut cells) = self
            .find(D::STATEMENTS.find_code, code_hash, CODE_COLUMNS)
            .await?
        else {
            return Ok(None);
        };
        let row = CodeRow {
            code_hash: cells.bytes()?,
            grant_id: cells.bytes()?,
            client_id: cells.text()?,
            subject: cells.text()?,
            redirect_uri: cells.optional_text()?,
            scope: cells.text()?,
            challenge_method: cells.optional_text()?,
            challenge: cells.optional_text()?,
            expires_at: cells.int()?,
            extras: cells.optional_text()?,
        };
        row.into_record()
            .map(|code| Some(std::sync::Arc::new(code)))
    }

    async fn exchange_code(
        &self,
        code_hash: &TokenHash,
        access: A,
        refresh: Option<R>,
    ) -> Result<Exchange, StoreError> {
        let statements = D::STATEMENTS;
        let (consume, used) = (statements.consume_code, statements.code_used);
        self.consume(consume, used, code_hash, &access, refresh.as_ref())
            .await
    }

    async fn insert_tokens(&self, access: A, refresh: Option<R>) -> Result<(), StoreError> {
        self.retrying(|| async {
            // One statement is atomic by itself: an access token alone (client credentials,
            // extension grants) is one round trip rather than BEGIN, INSERT and COMMIT.
            if refresh.is_none() {
                let mut conn = self.pool.acquire().await?;
                let statement = D::STATEMENTS.insert_access;
                return Self::insert_token::<AccessKind, A>(&mut conn, statement, &access).await;
            }
            let mut tx = self.pool.begin().await?;
            Self::insert_pair(&mut tx, &access, refresh.as_ref()).await?;
            tx.commit().await
        })
        .await
    }

    async fn find_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<std::sync::Arc<A>>, StoreError> {
        let found = self
            .find(D::STATEMENTS.find_access, token_hash, TOKEN_COLUMNS)
            .await?;
        let Some(mut cells) = found else {
            return Ok(None);
        };
        let record = token_row(&mut cells)?.into_record::<AccessKind, A>()?;
        Ok(Some(std::sync::Arc::new(record)))
    }

    async fn find_refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Stored<R>>, StoreError> {
        let found = self
            .find(D::STATEMENTS.find_refresh, token_hash, REFRESH_COLUMNS)
            .await?;
        let Some(mut cells) = found else {
            return Ok(None);
        };
        let row = token_row(&mut cells)?;
        let consumed = cells.bool()?;
        Ok(Some(Stored {
            record: std::sync::Arc::new(row.into_record::<RefreshKind, R>()?),
            consumed,
        }))
    }

    async fn rotate_refresh_token(
        &self,
        token_hash: &TokenHash,
        access: A,
        refresh: R,
    ) -> Result<Exchange, StoreError> {
        let statements = D::STATEMENTS;
        let (consume, used) = (statements.consume_refresh, statements.refresh_used);
        self.consume(consume, used, token_hash, &access, Some(&refresh))
            .await
    }

    async fn revoke_access_token(&self, token_hash: &TokenHash) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let deleted = D::execute(&mut conn, D::STATEMENTS.revoke_access, hash(token_hash))
            .await
            .map_err(Self::error)?;
        Ok(deleted > 0)
    }

    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), StoreError> {
        self.retrying(|| async {
            let mut tx = self.dialect.begin_family(&self.pool, grant_id).await?;
            for statement in D::STATEMENTS.revoke_grant {
                let params = vec![Value::Bytes(grant_id.as_bytes().to_vec())];
                D::execute(&mut tx, statement, params).await?;
            }
            tx.commit().await
        })
        .await
    }

    async fn purge_expired(&self, now: SystemTime) -> Result<usize, StoreError> {
        let now = to_micros(now);
        let mut purged = 0u64;
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        for statement in D::STATEMENTS.purge {
            loop {
                let params = vec![Value::Int(Some(now)), Value::Int(Some(PURGE_BATCH))];
                let n = D::execute(&mut conn, statement, params)
                    .await
                    .map_err(Self::error)?;
                purged += n;
                if n < PURGE_BATCH as u64 {
                    break;
                }
            }
        }
        Ok(usize::try_from(purged).unwrap_or(usize::MAX))
    }

    async fn remember_once(&self, key: &TokenHash, until: SystemTime) -> Result<bool, StoreError> {
        let now = to_micros(SystemTime::now());
        let until = to_micros(until);
        self.retrying(|| D::remember_once(&self.pool, key.as_bytes().to_vec(), until, now))
            .await
    }
}
