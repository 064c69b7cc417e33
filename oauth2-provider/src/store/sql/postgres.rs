//! PostgreSQL (feature `postgres`): the shared store of many provider nodes.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Transaction};

use super::client_feed;
use super::dialect::{Column, Value, driver, private};
use super::stmt::{REMEMBER_ONCE, STANDARD, STATE_COLUMNS, Statements, TAKE_STATE};
use super::{SqlStore, map_migrate_error, valid_identifier};
use crate::error::StoreError;
use crate::model::GrantId;
use crate::store::client_cache::{CachedClients, ClientCache, Feed};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// The first key of the two-key advisory locks this store takes, so they cannot collide with
/// an application's own (the two-key and one-key lock spaces are disjoint): "oau2".
const LOCK_CLASS: i32 = 0x6f61_7532;

/// The PostgreSQL dialect of [`SqlStore`]: a store ([`PostgresStore`](super::PostgresStore)) in
/// a schema of its own (`oauth2` unless configured).
///
/// Any number of provider nodes may share one database: a code or refresh token is consumed by
/// a conditional `UPDATE` in the transaction that inserts its successors, so exactly one
/// request across all nodes wins it. Operations wait at most the
/// [acquire timeout](PostgresOptions::acquire_timeout) for a connection and then fail with
/// [`StoreError::Unavailable`] (a 503 `temporarily_unavailable`); the pool reconnects by itself
/// when the database is back.
///
/// Connections are plain TCP or a Unix socket: put TLS in front if the database
/// is remote.
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
/// use oauth2_provider::store::{PostgresOptions, PostgresStore};
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
///
/// let store: PostgresStore<S> = PostgresStore::connect_with(
///     "postgres://oauth@db.internal/app",
///     PostgresOptions::new().schema("auth").max_connections(20),
/// )
/// .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Postgres {
    schema: Arc<str>,
}

/// How a [`PostgresStore`](super::PostgresStore) connects.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::store::PostgresOptions;
/// let options = PostgresOptions::new()
///     .schema("oauth2_tenant_a")
///     .max_connections(16)
///     .acquire_timeout(Duration::from_secs(2));
/// ```
#[derive(Clone, Debug)]
pub struct PostgresOptions {
    schema: String,
    max_connections: u32,
    acquire_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            schema: "oauth2".to_owned(),
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

impl PostgresOptions {
    /// Schema `oauth2`, 10 connections, a 3 s acquire timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// The schema holding the store's tables and migration history, created if missing. It
    /// must match `[a-z_][a-z0-9_]*` (at most 63 bytes); anything else fails at connect.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = schema.into();
        self
    }

    /// The most connections each node keeps.
    pub fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = max;
        self
    }

    /// How long an operation waits for a connection (including connecting) before failing
    /// with [`StoreError::Unavailable`]. Keep it short: a client waiting on a dead database is
    /// better served a quick 503.
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }
}

impl<S: Send + Sync + 'static, K, A, R> SqlStore<Postgres, S, K, A, R> {
    /// Connects to `url` with the default [`PostgresOptions`] and brings the schema up to
    /// date.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::store::PostgresStore;
    /// let store: PostgresStore<S> = PostgresStore::connect("postgres://postgres@127.0.0.1/app").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, PostgresOptions::new()).await
    }

    /// Connects to `url` and brings the schema up to date (many nodes may do so at once).
    pub async fn connect_with(url: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        let store = Self::connect_lazy_with(url, options)?;
        store.migrate().await?;
        Ok(store)
    }

    /// A store that connects on first use, so a node can start while the database is down;
    /// call [`migrate`](Self::migrate) before serving if the schema may be missing.
    ///
    /// ```
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::store::{PostgresOptions, PostgresStore};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let store: Result<PostgresStore<S>, _> =
    ///     PostgresStore::connect_lazy_with("postgres://db/app", PostgresOptions::new().schema("Bad-Name"));
    /// assert!(store.is_err());
    /// # });
    /// ```
    pub fn connect_lazy_with(url: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        if !valid_identifier(&options.schema) {
            return Err(StoreError::Other(
                "a PostgreSQL store schema must match [a-z_][a-z0-9_]* (at most 63 bytes)".into(),
            ));
        }
        let connect = PgConnectOptions::from_str(url)
            .map_err(Self::error)?
            // A startup parameter rather than a `SET` after connecting: no extra round trip,
            // and a pooler that cannot keep it refuses the connection instead of silently
            // using another schema.
            .options([("search_path", options.schema.as_str())]);
        let pool = super::pool::ping_when_idle(PgPoolOptions::new())
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_lazy_with(connect);
        let dialect = Postgres {
            schema: options.schema.into(),
        };
        Ok(Self::unmigrated(pool, dialect))
    }

    /// Creates the schema if missing and applies any migration not yet applied to it.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        private::Dialect::migrate(&self.dialect, &self.pool).await
    }

    /// The schema holding the store's tables.
    pub fn schema(&self) -> &str {
        &self.dialect.schema
    }
}

mod postgres_driver {
    super::driver!(sqlx::Postgres);
}

impl private::Dialect for Postgres {
    type Db = sqlx::Postgres;

    const STATEMENTS: &'static Statements = &STANDARD;

    const CLIENT_CACHE: ClientCache = ClientCache::DEFAULT;

    const CLIENT_FEED: Feed = Feed::Notified;

    fn follow_clients<C: Send + Sync + 'static>(
        &self,
        pool: &Pool<sqlx::Postgres>,
        cache: &Arc<CachedClients<C>>,
    ) {
        let connect = (*pool.connect_options()).clone();
        let channel = client_feed::channel(&self.schema);
        cache.follow(|cache| client_feed::follow(connect, channel, cache));
    }

    async fn execute(
        conn: &mut sqlx::PgConnection,
        sql: &'static str,
        params: Vec<Value>,
    ) -> Result<u64, sqlx::Error> {
        postgres_driver::run(conn, sql, params).await
    }

    async fn fetch(
        conn: &mut sqlx::PgConnection,
        sql: &'static str,
        params: Vec<Value>,
        columns: &'static [Column],
    ) -> Result<Vec<Vec<Value>>, sqlx::Error> {
        postgres_driver::rows(conn, sql, params, columns).await
    }

    async fn begin_family(
        &self,
        pool: &Pool<sqlx::Postgres>,
        grant_id: GrantId,
    ) -> Result<Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        // Serialises the transactions that consume a family's code or refresh tokens with the
        // one revoking the family. Row locks alone do not: a revocation's DELETE would not see
        // a successor token committed after its snapshot was taken.
        let [a, b, c, d, ..] = *grant_id.as_bytes();
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(LOCK_CLASS)
            .bind(i32::from_be_bytes([a, b, c, d]))
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    async fn remember_once(
        pool: &Pool<sqlx::Postgres>,
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
        Ok(postgres_driver::run(&mut conn, REMEMBER_ONCE, params).await? == 1)
    }

    async fn take_state(
        pool: &Pool<sqlx::Postgres>,
        key: Vec<u8>,
        now: i64,
    ) -> Result<Option<Vec<Value>>, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        let params = vec![Value::Bytes(key), Value::Int(Some(now))];
        let rows = postgres_driver::rows(&mut conn, TAKE_STATE, params, STATE_COLUMNS).await?;
        Ok(rows.into_iter().next())
    }

    /// SQLSTATEs meaning "not now": class 08 (connection exception), 53300 (too many
    /// connections), 57P01–57P03 (shutting down, crashed, starting up), 25006 (a read-only
    /// standby, as during a failover).
    /// And 40001 or 40P01 once retries ran out.
    fn unavailable(code: &str) -> bool {
        code.starts_with("08")
            || code.starts_with("57P0")
            || matches!(code, "53300" | "25006" | "40001" | "40P01")
    }

    /// 40001 (serialization failure), 40P01 (deadlock detected).
    fn retry(code: &str) -> bool {
        matches!(code, "40001" | "40P01")
    }

    async fn migrate(&self, pool: &Pool<sqlx::Postgres>) -> Result<(), StoreError> {
        // The name is validated to [a-z_][a-z0-9_]* at construction; DDL takes no parameters.
        let create = format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", self.schema);
        if let Err(err) = sqlx::query(&create).execute(pool).await {
            // Concurrent `IF NOT EXISTS` can still race on the catalog's unique index.
            let raced = err
                .as_database_error()
                .and_then(|db| db.code())
                .is_some_and(|code| code == "23505" || code == "42P06");
            if !raced {
                return Err(super::map_error(err, Self::unavailable));
            }
        }
        MIGRATOR
            .run(pool)
            .await
            .map_err(|e| map_migrate_error(e, Self::unavailable))
    }
}
