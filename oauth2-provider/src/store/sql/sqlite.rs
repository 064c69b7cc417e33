//! SQLite (feature `sqlite`): embedded, durable, one file.

use std::path::Path;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Transaction};

use super::dialect::{Column, Value, driver, private};
use super::stmt::{REMEMBER_ONCE, STANDARD, STATE_COLUMNS, Statements, TAKE_STATE};
use super::{SqlStore, map_migrate_error};
use crate::error::StoreError;
use crate::model::GrantId;

static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// How long an operation waits for a pooled connection before failing with
/// [`StoreError::Unavailable`].
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long a write waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SQLite dialect of [`SqlStore`]: a store in one file ([`SqliteStore`](super::SqliteStore)),
/// surviving restarts, or in memory.
///
/// The file is opened in WAL mode with `synchronous = FULL`, so every committed exchange is on
/// disk before the response leaves. Several processes may share the file (writes take SQLite's
/// write lock in turn); for many machines use [`PostgresStore`](super::PostgresStore) or
/// [`MysqlStore`](super::MysqlStore). Keep the store in its own file: its migrations table
/// (`_sqlx_migrations`) would clash with an application's own sqlx migrations in the same file.
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
/// use oauth2_provider::model::ClientRecord;
/// use oauth2_provider::store::{ClientStore, SqliteStore};
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
///         metadata: Default::default(),
///     })
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Sqlite;

impl<S: Send + Sync + 'static, K, A, R> SqlStore<Sqlite, S, K, A, R> {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to
    /// date. `":memory:"` is [`in_memory`](Self::in_memory); a `sqlite:` URL is refused, since
    /// it would be taken as a file name.
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
        let path = path.as_ref();
        if path.as_os_str() == ":memory:" {
            return Self::in_memory().await;
        }
        if path.to_str().is_some_and(|p| p.starts_with("sqlite:")) {
            return Err(StoreError::Other(
                "SqliteStore::open takes a file path, not a sqlite: URL; for a database in \
                 memory use SqliteStore::in_memory()"
                    .into(),
            ));
        }
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
            .map_err(Self::error)?;
        Self::from_pool(pool).await
    }

    /// A store in memory, gone when the store is dropped: for tests and demos.
    ///
    /// Each SQLite connection to `:memory:` opens a database of its own, so the pool holds
    /// exactly one connection that never closes.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::store::{ClientStore, SqliteStore};
    /// let store: SqliteStore<S> = SqliteStore::in_memory().await.unwrap();
    /// assert!(store.list_clients().await.unwrap().is_empty());
    /// # });
    /// ```
    pub async fn in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new().in_memory(true);
        let pool = SqlitePoolOptions::new()
            .min_connections(1)
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(Self::error)?;
        Self::from_pool(pool).await
    }

    /// A store over a pool configured by the caller; brings the schema up to date.
    pub async fn from_pool(pool: Pool<sqlx::Sqlite>) -> Result<Self, StoreError> {
        Self::migrated(pool, Sqlite).await
    }
}

mod sqlite_driver {
    super::driver!(sqlx::Sqlite);
}

impl private::Dialect for Sqlite {
    type Db = sqlx::Sqlite;

    const STATEMENTS: &'static Statements = &STANDARD;

    async fn execute(
        conn: &mut sqlx::SqliteConnection,
        sql: &'static str,
        params: Vec<Value>,
    ) -> Result<u64, sqlx::Error> {
        sqlite_driver::run(conn, sql, params).await
    }

    async fn fetch(
        conn: &mut sqlx::SqliteConnection,
        sql: &'static str,
        params: Vec<Value>,
        columns: &'static [Column],
    ) -> Result<Vec<Vec<Value>>, sqlx::Error> {
        sqlite_driver::rows(conn, sql, params, columns).await
    }

    async fn begin_family(
        &self,
        pool: &Pool<sqlx::Sqlite>,
        _: GrantId,
    ) -> Result<Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        // IMMEDIATE takes the write lock up front: a transaction that read first and wrote
        // second could fail with SQLITE_BUSY instead of waiting its turn.
        pool.begin_with("BEGIN IMMEDIATE").await
    }

    async fn remember_once(
        pool: &Pool<sqlx::Sqlite>,
        key: Vec<u8>,
        until: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        let params = vec![
            Value::Bytes(key),
            Value::Int(Some(until)),
            Value::Int(Some(now)),
        ];
        Ok(sqlite_driver::run(&mut conn, REMEMBER_ONCE, params).await? == 1)
    }

    async fn take_state(
        pool: &Pool<sqlx::Sqlite>,
        key: Vec<u8>,
        now: i64,
    ) -> Result<Option<Vec<Value>>, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        let params = vec![Value::Bytes(key), Value::Int(Some(now))];
        let rows = sqlite_driver::rows(&mut conn, TAKE_STATE, params, STATE_COLUMNS).await?;
        Ok(rows.into_iter().next())
    }

    /// SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, in any of their
    /// extended forms: the file is locked, unreachable or out of space, which may pass.
    fn unavailable(code: &str) -> bool {
        code.parse::<i32>()
            .is_ok_and(|code| matches!(code & 0xff, 5 | 6 | 10 | 13 | 14))
    }

    /// SQLite waits for its write lock instead (`busy_timeout`).
    fn retry(_: &str) -> bool {
        false
    }

    async fn migrate(&self, pool: &Pool<sqlx::Sqlite>) -> Result<(), StoreError> {
        MIGRATOR
            .run(pool)
            .await
            .map_err(|e| map_migrate_error(e, Self::unavailable))
    }
}
