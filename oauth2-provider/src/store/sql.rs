//! What the SQLite and PostgreSQL stores share: every statement, the implementation of the store
//! traits over them, error mapping and the background purge.
//!
//! The two dialects agree on every statement here (`$n` parameters, `TRUE`/`FALSE`,
//! `ON CONFLICT`, `LIMIT` in a subquery), so each is written once. What differs is how a
//! transaction that consumes a code or refresh token starts (each backend's `begin_family`) and
//! which database errors mean "unavailable".
//!
//! Single use under concurrency, across any number of processes: exchanging a code is one
//! transaction that first runs `UPDATE ... SET used = TRUE WHERE ... AND used = FALSE`. The
//! database lets exactly one transaction change the row; every other sees zero rows affected and
//! stores nothing. The tokens are inserted in the same transaction, so they exist from the
//! instant the code is consumed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crate::error::StoreError;
use crate::store::Store;

/// Rows deleted per statement when purging, so no purge holds locks for long.
pub(crate) const PURGE_BATCH: i64 = 500;

/// The statements, identical in both dialects.
pub(crate) mod stmt {
    pub(crate) const FIND_CLIENT: &str = "SELECT client_id, secret_hash, redirect_uris, grant_types, \
        scope, name FROM oauth_clients WHERE client_id = $1";
    pub(crate) const LIST_CLIENTS: &str = "SELECT client_id, secret_hash, redirect_uris, grant_types, \
        scope, name FROM oauth_clients";
    pub(crate) const SAVE_CLIENT: &str = "INSERT INTO oauth_clients \
        (client_id, secret_hash, redirect_uris, grant_types, scope, name) \
        VALUES ($1, $2, $3, $4, $5, $6) \
        ON CONFLICT (client_id) DO UPDATE SET secret_hash = excluded.secret_hash, \
        redirect_uris = excluded.redirect_uris, grant_types = excluded.grant_types, \
        scope = excluded.scope, name = excluded.name";
    pub(crate) const DELETE_CLIENT: &str = "DELETE FROM oauth_clients WHERE client_id = $1";

    pub(crate) const INSERT_CODE: &str = "INSERT INTO oauth_codes (code_hash, grant_id, client_id, \
        subject, redirect_uri, scope, challenge_method, challenge, expires_at, used) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE)";
    pub(crate) const FIND_CODE: &str = "SELECT code_hash, grant_id, client_id, subject, redirect_uri, \
        scope, challenge_method, challenge, expires_at FROM oauth_codes WHERE code_hash = $1";
    pub(crate) const CONSUME_CODE: &str =
        "UPDATE oauth_codes SET used = TRUE WHERE code_hash = $1 AND used = FALSE";
    pub(crate) const CODE_EXISTS: &str = "SELECT used FROM oauth_codes WHERE code_hash = $1";

    pub(crate) const INSERT_ACCESS: &str = "INSERT INTO oauth_access_tokens (token_hash, grant_id, \
        client_id, subject, scope, expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
    pub(crate) const FIND_ACCESS: &str = "SELECT token_hash, grant_id, client_id, subject, scope, \
        expires_at FROM oauth_access_tokens WHERE token_hash = $1";
    pub(crate) const REVOKE_ACCESS: &str = "DELETE FROM oauth_access_tokens WHERE token_hash = $1";

    pub(crate) const INSERT_REFRESH: &str = "INSERT INTO oauth_refresh_tokens (token_hash, grant_id, \
        client_id, subject, scope, expires_at, used) VALUES ($1, $2, $3, $4, $5, $6, FALSE)";
    pub(crate) const FIND_REFRESH: &str = "SELECT token_hash, grant_id, client_id, subject, scope, \
        expires_at, used FROM oauth_refresh_tokens WHERE token_hash = $1";
    pub(crate) const CONSUME_REFRESH: &str =
        "UPDATE oauth_refresh_tokens SET used = TRUE WHERE token_hash = $1 AND used = FALSE";
    pub(crate) const REFRESH_EXISTS: &str =
        "SELECT used FROM oauth_refresh_tokens WHERE token_hash = $1";

    // The code first: a concurrent exchange of it then either finished (and its tokens are
    // visible to the deletes below) or finds nothing to consume.
    pub(crate) const REVOKE_GRANT: [&str; 3] = [
        "DELETE FROM oauth_codes WHERE grant_id = $1",
        "DELETE FROM oauth_refresh_tokens WHERE grant_id = $1",
        "DELETE FROM oauth_access_tokens WHERE grant_id = $1",
    ];

    // By primary key through a bounded subquery: both dialects lack `DELETE ... LIMIT`.
    pub(crate) const PURGE: [&str; 3] = [
        "DELETE FROM oauth_codes WHERE code_hash IN \
         (SELECT code_hash FROM oauth_codes WHERE expires_at <= $1 LIMIT $2)",
        "DELETE FROM oauth_access_tokens WHERE token_hash IN \
         (SELECT token_hash FROM oauth_access_tokens WHERE expires_at <= $1 LIMIT $2)",
        "DELETE FROM oauth_refresh_tokens WHERE token_hash IN \
         (SELECT token_hash FROM oauth_refresh_tokens WHERE expires_at <= $1 LIMIT $2)",
    ];
}

/// Maps a driver error: a connection that cannot be had (refused, dropped, timed out waiting
/// for the pool) or a database that says "not now" is [`StoreError::Unavailable`]; anything
/// else, a constraint or a bug, is [`StoreError::Other`].
pub(crate) fn map_error(err: sqlx::Error, unavailable_code: fn(&str) -> bool) -> StoreError {
    let unavailable = match &err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| unavailable_code(&code)),
        _ => false,
    };
    if unavailable {
        StoreError::Unavailable(Box::new(err))
    } else {
        StoreError::Other(Box::new(err))
    }
}

pub(crate) fn map_migrate_error(
    err: sqlx::migrate::MigrateError,
    unavailable_code: fn(&str) -> bool,
) -> StoreError {
    match err {
        sqlx::migrate::MigrateError::Execute(err) => map_error(err, unavailable_code),
        other => StoreError::Other(Box::new(other)),
    }
}

/// A schema name a store interpolates into DDL: `[a-z_][a-z0-9_]*`, at most 63 bytes (the
/// PostgreSQL identifier limit), so it never needs quoting rules beyond double quotes.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn valid_identifier(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A background task that purges expired codes and tokens at a fixed interval; dropping it (or
/// [`stop`](PurgeTask::stop)) stops it.
///
/// Each run is one [`Store::purge_expired`], which deletes in bounded batches; a run that fails
/// (the database is down) is counted and retried at the next tick, and runs never pile up.
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
/// use std::time::Duration;
/// use oauth2_provider::store::SqliteStore;
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
///
/// let store: SqliteStore<S> = SqliteStore::open("oauth.db").await?;
/// let purge = store.spawn_purge(Duration::from_secs(60));
/// // ... serve ...
/// purge.stop();
/// # Ok(()) }
/// ```
#[must_use = "the purge stops as soon as its PurgeTask is dropped"]
pub struct PurgeTask {
    handle: tokio::task::JoinHandle<()>,
    stats: Arc<PurgeStats>,
}

#[derive(Default)]
struct PurgeStats {
    purged: AtomicU64,
    failures: AtomicU64,
}

impl PurgeTask {
    /// Purges `store` every `every`, the first time at once. Call it within a Tokio runtime.
    pub(crate) fn spawn<St: Store>(store: St, every: Duration) -> Self {
        let stats = Arc::new(PurgeStats::default());
        let task_stats = Arc::clone(&stats);
        let handle = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                match store.purge_expired(SystemTime::now()).await {
                    Ok(n) => {
                        task_stats.purged.fetch_add(n as u64, Ordering::Relaxed);
                    }
                    Err(_) => {
                        task_stats.failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
        PurgeTask { handle, stats }
    }

    /// How many records the task has purged so far.
    pub fn purged(&self) -> u64 {
        self.stats.purged.load(Ordering::Relaxed)
    }

    /// How many runs failed (and were retried at the next tick).
    pub fn failures(&self) -> u64 {
        self.stats.failures.load(Ordering::Relaxed)
    }

    /// Stops the task; a run in progress is abandoned, which leaves the database consistent
    /// because each batch is its own statement.
    pub fn stop(self) {}
}

impl Drop for PurgeTask {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

/// Implements [`Store`] and [`ClientAdmin`](crate::store::ClientAdmin) for an SQL store type
/// `$store<S, K, A, R>` with a `pool: sqlx::Pool<$db>` field and a
/// `begin_family(&self, GrantId) -> Result<sqlx::Transaction<'static, $db>, sqlx::Error>`
/// method; `$err` maps a `sqlx::Error`.
macro_rules! impl_sql_store {
    ($store:ident, $db:ty, $err:path) => {
        impl<S, K, A, R> $store<S, K, A, R>
        where
            S: $crate::scope::Scopes,
            A: $crate::model::AccessToken<Scope = S>,
            R: $crate::model::RefreshToken<Scope = S>,
        {
            async fn insert_access(
                conn: &mut <$db as sqlx::Database>::Connection,
                access: &A,
            ) -> Result<(), sqlx::Error> {
                Self::insert_token::<$crate::model::AccessKind, A>(
                    conn,
                    $crate::store::sql::stmt::INSERT_ACCESS,
                    access,
                )
                .await
            }

            async fn insert_refresh(
                conn: &mut <$db as sqlx::Database>::Connection,
                refresh: &R,
            ) -> Result<(), sqlx::Error> {
                Self::insert_token::<$crate::model::RefreshKind, R>(
                    conn,
                    $crate::store::sql::stmt::INSERT_REFRESH,
                    refresh,
                )
                .await
            }

            /// Access and refresh rows have the same columns; only the table differs.
            async fn insert_token<T: $crate::model::TokenKind, M: $crate::model::TokenModel<T>>(
                conn: &mut <$db as sqlx::Database>::Connection,
                statement: &'static str,
                token: &M,
            ) -> Result<(), sqlx::Error> {
                let row = $crate::store::codec::TokenRow::of::<T, M>(token);
                sqlx::query(statement)
                    .bind(row.token_hash)
                    .bind(row.grant_id)
                    .bind(row.client_id)
                    .bind(row.subject)
                    .bind(row.scope)
                    .bind(row.expires_at)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            /// Consumes the row `hash` of the table behind `consume`/`exists` and, if this
            /// caller won it, inserts the successors, all in one family transaction.
            async fn consume(
                &self,
                consume: &'static str,
                exists: &'static str,
                hash: &$crate::model::TokenHash,
                access: A,
                refresh: Option<R>,
            ) -> Result<$crate::store::Exchange, sqlx::Error> {
                use $crate::store::Exchange;
                let mut tx = self.begin_family(access.grant_id()).await?;
                let won = sqlx::query(consume)
                    .bind(&hash.as_bytes()[..])
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if !won {
                    let used: Option<bool> = sqlx::query_scalar(exists)
                        .bind(&hash.as_bytes()[..])
                        .fetch_optional(&mut *tx)
                        .await?;
                    tx.rollback().await?;
                    return Ok(match used {
                        Some(_) => Exchange::AlreadyUsed,
                        None => Exchange::Missing,
                    });
                }
                Self::insert_access(&mut tx, &access).await?;
                if let Some(refresh) = &refresh {
                    Self::insert_refresh(&mut tx, refresh).await?;
                }
                tx.commit().await?;
                Ok(Exchange::Done)
            }
        }

        impl<S, K, A, R> $crate::store::Store for $store<S, K, A, R>
        where
            S: $crate::scope::Scopes,
            K: $crate::model::AuthorizationCode<Scope = S>,
            A: $crate::model::AccessToken<Scope = S>,
            R: $crate::model::RefreshToken<Scope = S>,
        {
            type Scope = S;
            type Client = $crate::model::ClientRecord<S>;
            type Code = K;
            type AccessToken = A;
            type RefreshToken = R;

            async fn find_client(
                &self,
                client_id: &str,
            ) -> Result<Option<std::sync::Arc<Self::Client>>, $crate::error::StoreError> {
                let row: Option<$crate::store::codec::ClientRow> =
                    sqlx::query_as($crate::store::sql::stmt::FIND_CLIENT)
                        .bind(client_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err($err)?;
                row.map(|r| r.into_record().map(std::sync::Arc::new))
                    .transpose()
            }

            async fn insert_code(&self, code: K) -> Result<(), $crate::error::StoreError> {
                let row = $crate::store::codec::CodeRow::of(&code);
                sqlx::query($crate::store::sql::stmt::INSERT_CODE)
                    .bind(row.code_hash)
                    .bind(row.grant_id)
                    .bind(row.client_id)
                    .bind(row.subject)
                    .bind(row.redirect_uri)
                    .bind(row.scope)
                    .bind(row.challenge_method)
                    .bind(row.challenge)
                    .bind(row.expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err($err)?;
                Ok(())
            }

            async fn find_code(
                &self,
                code_hash: &$crate::model::TokenHash,
            ) -> Result<Option<std::sync::Arc<K>>, $crate::error::StoreError> {
                let row: Option<$crate::store::codec::CodeRow> =
                    sqlx::query_as($crate::store::sql::stmt::FIND_CODE)
                        .bind(&code_hash.as_bytes()[..])
                        .fetch_optional(&self.pool)
                        .await
                        .map_err($err)?;
                row.map(|r| r.into_record().map(std::sync::Arc::new))
                    .transpose()
            }

            async fn exchange_code(
                &self,
                code_hash: &$crate::model::TokenHash,
                access: A,
                refresh: Option<R>,
            ) -> Result<$crate::store::Exchange, $crate::error::StoreError> {
                self.consume(
                    $crate::store::sql::stmt::CONSUME_CODE,
                    $crate::store::sql::stmt::CODE_EXISTS,
                    code_hash,
                    access,
                    refresh,
                )
                .await
                .map_err($err)
            }

            async fn insert_tokens(
                &self,
                access: A,
                refresh: Option<R>,
            ) -> Result<(), $crate::error::StoreError> {
                let mut tx = self.pool.begin().await.map_err($err)?;
                Self::insert_access(&mut tx, &access).await.map_err($err)?;
                if let Some(refresh) = &refresh {
                    Self::insert_refresh(&mut tx, refresh).await.map_err($err)?;
                }
                tx.commit().await.map_err($err)
            }

            async fn find_access_token(
                &self,
                token_hash: &$crate::model::TokenHash,
            ) -> Result<Option<std::sync::Arc<A>>, $crate::error::StoreError> {
                let row: Option<$crate::store::codec::TokenRow> =
                    sqlx::query_as($crate::store::sql::stmt::FIND_ACCESS)
                        .bind(&token_hash.as_bytes()[..])
                        .fetch_optional(&self.pool)
                        .await
                        .map_err($err)?;
                row.map(|r| r.into_new().map(|t| std::sync::Arc::new(A::new(t))))
                    .transpose()
            }

            async fn find_refresh_token(
                &self,
                token_hash: &$crate::model::TokenHash,
            ) -> Result<Option<$crate::store::Stored<R>>, $crate::error::StoreError> {
                let row: Option<$crate::store::codec::RefreshRow> =
                    sqlx::query_as($crate::store::sql::stmt::FIND_REFRESH)
                        .bind(&token_hash.as_bytes()[..])
                        .fetch_optional(&self.pool)
                        .await
                        .map_err($err)?;
                row.map(|r| {
                    r.token.into_new().map(|t| $crate::store::Stored {
                        record: std::sync::Arc::new(R::new(t)),
                        consumed: r.used,
                    })
                })
                .transpose()
            }

            async fn rotate_refresh_token(
                &self,
                token_hash: &$crate::model::TokenHash,
                access: A,
                refresh: R,
            ) -> Result<$crate::store::Exchange, $crate::error::StoreError> {
                self.consume(
                    $crate::store::sql::stmt::CONSUME_REFRESH,
                    $crate::store::sql::stmt::REFRESH_EXISTS,
                    token_hash,
                    access,
                    Some(refresh),
                )
                .await
                .map_err($err)
            }

            async fn revoke_access_token(
                &self,
                token_hash: &$crate::model::TokenHash,
            ) -> Result<bool, $crate::error::StoreError> {
                let deleted = sqlx::query($crate::store::sql::stmt::REVOKE_ACCESS)
                    .bind(&token_hash.as_bytes()[..])
                    .execute(&self.pool)
                    .await
                    .map_err($err)?
                    .rows_affected();
                Ok(deleted > 0)
            }

            async fn revoke_grant(
                &self,
                grant_id: $crate::model::GrantId,
            ) -> Result<(), $crate::error::StoreError> {
                let mut tx = self.begin_family(grant_id).await.map_err($err)?;
                for statement in $crate::store::sql::stmt::REVOKE_GRANT {
                    sqlx::query(statement)
                        .bind(&grant_id.as_bytes()[..])
                        .execute(&mut *tx)
                        .await
                        .map_err($err)?;
                }
                tx.commit().await.map_err($err)
            }

            async fn purge_expired(
                &self,
                now: std::time::SystemTime,
            ) -> Result<usize, $crate::error::StoreError> {
                use $crate::store::sql::PURGE_BATCH;
                let now = $crate::store::codec::to_micros(now);
                let mut purged = 0u64;
                for statement in $crate::store::sql::stmt::PURGE {
                    loop {
                        let n = sqlx::query(statement)
                            .bind(now)
                            .bind(PURGE_BATCH)
                            .execute(&self.pool)
                            .await
                            .map_err($err)?
                            .rows_affected();
                        purged += n;
                        if n < PURGE_BATCH as u64 {
                            break;
                        }
                    }
                }
                Ok(usize::try_from(purged).unwrap_or(usize::MAX))
            }
        }

        impl<S, K, A, R> $crate::store::ClientAdmin for $store<S, K, A, R>
        where
            S: $crate::scope::Scopes,
            K: $crate::model::AuthorizationCode<Scope = S>,
            A: $crate::model::AccessToken<Scope = S>,
            R: $crate::model::RefreshToken<Scope = S>,
        {
            async fn save_client(
                &self,
                client: $crate::model::ClientRecord<S>,
            ) -> Result<(), $crate::error::StoreError> {
                let row = $crate::store::codec::ClientRow::of(&client);
                sqlx::query($crate::store::sql::stmt::SAVE_CLIENT)
                    .bind(row.client_id)
                    .bind(row.secret_hash)
                    .bind(row.redirect_uris)
                    .bind(row.grant_types)
                    .bind(row.scope)
                    .bind(row.name)
                    .execute(&self.pool)
                    .await
                    .map_err($err)?;
                Ok(())
            }

            async fn delete_client(
                &self,
                client_id: &str,
            ) -> Result<bool, $crate::error::StoreError> {
                let deleted = sqlx::query($crate::store::sql::stmt::DELETE_CLIENT)
                    .bind(client_id)
                    .execute(&self.pool)
                    .await
                    .map_err($err)?
                    .rows_affected();
                Ok(deleted > 0)
            }

            async fn list_clients(
                &self,
            ) -> Result<
                Vec<std::sync::Arc<$crate::model::ClientRecord<S>>>,
                $crate::error::StoreError,
            > {
                let rows: Vec<$crate::store::codec::ClientRow> =
                    sqlx::query_as($crate::store::sql::stmt::LIST_CLIENTS)
                        .fetch_all(&self.pool)
                        .await
                        .map_err($err)?;
                let mut clients = rows
                    .into_iter()
                    .map(|r| r.into_record().map(std::sync::Arc::new))
                    .collect::<Result<Vec<_>, _>>()?;
                // Byte order, as every store lists: SQL `ORDER BY` would follow the database's
                // collation, which differs between backends and locales.
                clients.sort_by(|a, b| a.client_id.cmp(&b.client_id));
                Ok(clients)
            }
        }
    };
}

pub(crate) use impl_sql_store;
