//! The SQLite store (feature `sqlite`): embedded, durable, one file.

use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use super::Store;
use super::codec::Records;
use super::sql::{self, PurgeTask};
use crate::error::StoreError;
use crate::model::GrantId;
use crate::model::{AccessKind, CodeRecord, RefreshKind, TokenRecord};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// How long an operation waits for a pooled connection before failing with
/// [`StoreError::Unavailable`].
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long a write waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A store in one SQLite file: clients ([`ClientRecord`](crate::model::ClientRecord)), codes and
/// tokens, surviving restarts.
///
/// The file is opened in WAL mode with `synchronous = FULL`, so every committed exchange is on
/// disk before the response leaves. Several processes may share the file (writes take SQLite's
/// write lock in turn); for many machines use [`PostgresStore`](super::PostgresStore).
///
/// Only hashes of codes and tokens are stored. Expired records stay until
/// [`purge_expired`](Store::purge_expired) (or a [`spawn_purge`](Self::spawn_purge) task)
/// deletes them. Keep the store in its own file: its migrations table (`_sqlx_migrations`)
/// would clash with an application's own sqlx migrations in the same file.
///
/// `K`, `A` and `R` are the record types; a user's own types work, rebuilt from rows through
/// the model traits' `new`.
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
/// use oauth2_provider::model::ClientRecord;
/// use oauth2_provider::store::{ClientAdmin, SqliteStore};
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
///
/// let store: SqliteStore<S> = SqliteStore::open("oauth.db").await?;
/// store
///     .save_client(ClientRecord {
///         client_id: "app".into(),
///         secret_hash: None,
///         redirect_uris: vec!["https://app.example/cb".into()],
///         grant_types: vec!["authorization_code".into()],
///         scope: S(0),
///         name: "App".into(),
///     })
///     .await?;
/// # Ok(()) }
/// ```
pub struct SqliteStore<
    S,
    K = CodeRecord<S>,
    A = TokenRecord<S, AccessKind>,
    R = TokenRecord<S, RefreshKind>,
> {
    pool: SqlitePool,
    records: Records<S, K, A, R>,
}

impl<S, K, A, R> SqliteStore<S, K, A, R> {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to
    /// date.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::store::SqliteStore;
    /// let store: SqliteStore<S> = SqliteStore::open("/var/lib/myapp/oauth.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(db_error)?;
        Self::from_pool(pool).await
    }

    /// A store over a pool configured by the caller; brings the schema up to date.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::store::SqliteStore;
    /// let pool = sqlx::SqlitePool::connect_lazy("sqlite://oauth.db?mode=rwc").unwrap();
    /// let store: SqliteStore<S> = SqliteStore::from_pool(pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| sql::map_migrate_error(e, unavailable_code))?;
        Ok(SqliteStore {
            pool,
            records: PhantomData,
        })
    }

    /// The connection pool, for operations and monitoring.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection, waiting for operations in progress. Clones of the store share
    /// the pool and are closed too.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin_family(&self, _: GrantId) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        // IMMEDIATE takes the write lock up front: a transaction that read first and wrote
        // second could fail with SQLITE_BUSY instead of waiting its turn.
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }
}

impl<S, K, A, R> SqliteStore<S, K, A, R>
where
    Self: Store,
{
    /// Starts a [`PurgeTask`] that deletes expired records every `every`. Call it within a
    /// Tokio runtime; the task stops when the returned handle is dropped.
    pub fn spawn_purge(&self, every: Duration) -> PurgeTask {
        PurgeTask::spawn(self.clone(), every)
    }
}

impl<S, K, A, R> Clone for SqliteStore<S, K, A, R> {
    fn clone(&self) -> Self {
        SqliteStore {
            pool: self.pool.clone(),
            records: PhantomData,
        }
    }
}

impl<S, K, A, R> fmt::Debug for SqliteStore<S, K, A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("pool", &self.pool)
            .finish()
    }
}

sql::impl_sql_store!(SqliteStore, Sqlite, db_error);

fn db_error(err: sqlx::Error) -> StoreError {
    sql::map_error(err, unavailable_code)
}

/// SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, in any of their
/// extended forms: the file is locked, unreachable or out of space, which may pass.
fn unavailable_code(code: &str) -> bool {
    code.parse::<i32>()
        .is_ok_and(|code| matches!(code & 0xff, 5 | 6 | 10 | 13 | 14))
}
