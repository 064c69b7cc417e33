//! The SQL stores: one implementation, [`SqlStore`], over a [`Dialect`]: SQLite (feature
//! `sqlite`), PostgreSQL (`postgres`) and MySQL/MariaDB (`mysql`). [`SqliteStore`],
//! [`PostgresStore`] and [`MysqlStore`] are its instances.
//!
//! Single use under concurrency, across any number of processes: exchanging a code is one
//! transaction that first runs `UPDATE ... SET used = TRUE WHERE ... AND used = FALSE`. The
//! database lets exactly one transaction change the row; every other sees zero rows affected and
//! stores nothing. The tokens are inserted in the same transaction, so they exist from the
//! instant the code is consumed; each dialect serialises a family's consuming and revoking
//! transactions its own way (see [`Dialect`]).

// `Dialect` is sealed: its methods, and the crate-private types they take, are the store's
// internals, reachable in name only.
#![allow(private_interfaces, private_bounds)]

#[cfg(feature = "postgres")]
mod client_feed;
mod clients;
mod dialect;
#[cfg(feature = "jwt")]
mod keys;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod pool;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
mod state;
mod stmt;
mod tokens;

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use sqlx::Pool;

pub use dialect::Dialect;
#[cfg(feature = "mysql")]
pub use mysql::{MySql, MysqlOptions};
#[cfg(feature = "postgres")]
pub use postgres::{Postgres, PostgresOptions};
#[cfg(feature = "sqlite")]
pub use sqlite::Sqlite;

use super::client_cache::{CachedClients, ClientCache, Feed};
use super::row::Records;
use crate::error::StoreError;
use crate::model::{AccessKind, ClientRecord, CodeRecord, RefreshKind, TokenRecord};

/// A store in a SQL database: clients ([`ClientRecord`](crate::model::ClientRecord)), codes
/// and tokens, over the dialect `D`.
///
/// `K`, `A` and `R` are the code, access token and refresh token record types; a user's own
/// types work, rebuilt from rows through the model traits' `new`. Only hashes of codes and
/// tokens are stored. Expired records stay until [`purge_expired`] (or a
/// [`spawn_purge`](SqlStore::spawn_purge) task) deletes them.
///
/// [`purge_expired`]: crate::store::TokenStore::purge_expired
pub struct SqlStore<
    D: Dialect,
    S,
    K = CodeRecord<S>,
    A = TokenRecord<S, AccessKind>,
    R = TokenRecord<S, RefreshKind>,
> {
    pool: Pool<D::Db>,
    dialect: D,
    clients: Arc<CachedClients<ClientRecord<S>>>,
    records: Records<S, K, A, R>,
}

/// A store in one SQLite file; see [`Sqlite`].
#[cfg(feature = "sqlite")]
pub type SqliteStore<
    S,
    K = CodeRecord<S>,
    A = TokenRecord<S, AccessKind>,
    R = TokenRecord<S, RefreshKind>,
> = SqlStore<Sqlite, S, K, A, R>;

/// A store in a PostgreSQL database, shared by many provider nodes; see [`Postgres`].
#[cfg(feature = "postgres")]
pub type PostgresStore<
    S,
    K = CodeRecord<S>,
    A = TokenRecord<S, AccessKind>,
    R = TokenRecord<S, RefreshKind>,
> = SqlStore<Postgres, S, K, A, R>;

/// A store in a MySQL or MariaDB database, shared by many provider nodes; see [`MySql`].
#[cfg(feature = "mysql")]
pub type MysqlStore<
    S,
    K = CodeRecord<S>,
    A = TokenRecord<S, AccessKind>,
    R = TokenRecord<S, RefreshKind>,
> = SqlStore<MySql, S, K, A, R>;

/// Rows deleted per statement when purging, so no purge holds locks for long.
const PURGE_BATCH: i64 = 500;

/// How many times a transaction that lost a race runs, in all.
const ATTEMPTS: u32 = 5;

impl<D: Dialect, S: Send + Sync + 'static, K, A, R> SqlStore<D, S, K, A, R> {
    /// A store over `pool`, whose schema `dialect` brings up to date.
    #[cfg(any(feature = "sqlite", feature = "mysql"))]
    async fn migrated(pool: Pool<D::Db>, dialect: D) -> Result<Self, StoreError> {
        dialect.migrate(&pool).await?;
        Ok(Self::unmigrated(pool, dialect))
    }

    fn unmigrated(pool: Pool<D::Db>, dialect: D) -> Self {
        SqlStore {
            pool,
            dialect,
            clients: CachedClients::new(ClientCache::off(), Feed::None),
            records: PhantomData,
        }
        .client_cache(D::CLIENT_CACHE)
    }

    /// Keeps clients in memory as `cache` says (for PostgreSQL [`ClientCache::default`],
    /// else off, unless set): read its staleness across nodes first.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::store::{ClientCache, PostgresStore};
    /// let store: PostgresStore<S> = PostgresStore::connect("postgres://oauth@db.internal/app")
    ///     .await?
    ///     .client_cache(ClientCache::off());
    /// # Ok(()) }
    /// ```
    pub fn client_cache(mut self, cache: ClientCache) -> Self {
        self.clients = CachedClients::new(cache, D::CLIENT_FEED);
        self.dialect.follow_clients(&self.pool, &self.clients);
        self
    }
}

impl<D: Dialect, S, K, A, R> SqlStore<D, S, K, A, R> {
    /// The connection pool, for operations and monitoring.
    pub fn pool(&self) -> &Pool<D::Db> {
        &self.pool
    }

    /// Closes every connection, waiting for operations in progress. Clones of the store share
    /// the pool and are closed too.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn error(err: sqlx::Error) -> StoreError {
        map_error(err, D::unavailable)
    }

    /// Runs the transaction `attempt` until it does not lose a race (a deadlock, a
    /// serialisation failure), at most [`ATTEMPTS`] times.
    async fn retrying<T, F: Future<Output = Result<T, sqlx::Error>>>(
        &self,
        attempt: impl Fn() -> F,
    ) -> Result<T, StoreError> {
        let mut tries = 1;
        loop {
            match attempt().await {
                Err(sqlx::Error::Database(db))
                    if tries < ATTEMPTS && db.code().is_some_and(|code| D::retry(&code)) =>
                {
                    tries += 1;
                }
                result => return result.map_err(Self::error),
            }
        }
    }
}

#[cfg(feature = "tokio")]
impl<D: Dialect + Clone, S, K, A, R> SqlStore<D, S, K, A, R>
where
    Self: crate::store::TokenStore,
{
    /// Starts a [`PurgeTask`](crate::store::PurgeTask) that deletes expired records every
    /// `every`. Call it within a Tokio runtime; the task stops when the returned handle is
    /// dropped. With many nodes, one purging is enough; several are harmless.
    pub fn spawn_purge(&self, every: std::time::Duration) -> crate::store::PurgeTask {
        crate::store::PurgeTask::spawn(self.clone(), every)
    }
}

impl<D: Dialect + Clone, S, K, A, R> Clone for SqlStore<D, S, K, A, R> {
    fn clone(&self) -> Self {
        SqlStore {
            pool: self.pool.clone(),
            dialect: self.dialect.clone(),
            clients: Arc::clone(&self.clients),
            records: PhantomData,
        }
    }
}

impl<D: Dialect + fmt::Debug, S, K, A, R> fmt::Debug for SqlStore<D, S, K, A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("dialect", &self.dialect)
            .field("pool", &self.pool)
            .finish()
    }
}

/// Maps a driver error: a connection that cannot be had (refused, dropped, timed out waiting
/// for the pool) or a database that says "not now" is [`StoreError::Unavailable`]; anything
/// else, a constraint or a bug, is [`StoreError::Other`].
fn map_error(err: sqlx::Error, unavailable_code: fn(&str) -> bool) -> StoreError {
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

fn map_migrate_error(
    err: sqlx::migrate::MigrateError,
    unavailable_code: fn(&str) -> bool,
) -> StoreError {
    match err {
        sqlx::migrate::MigrateError::Execute(err) => map_error(err, unavailable_code),
        other => StoreError::Other(Box::new(other)),
    }
}

/// A schema or database name a store interpolates into DDL: `[a-z_][a-z0-9_]*`, at most 63
/// bytes (PostgreSQL's identifier limit, within MySQL's 64), so it never needs quoting rules
/// beyond the dialect's quotes.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
fn valid_identifier(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
