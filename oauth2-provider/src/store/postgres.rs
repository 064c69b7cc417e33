//! The PostgreSQL store (feature `postgres`): the shared store of many provider nodes.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use super::Store;
use super::codec::Records;
use super::sql::{self, PurgeTask};
use crate::error::StoreError;
use crate::model::GrantId;
use crate::model::{AccessKind, CodeRecord, RefreshKind, TokenRecord};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// The first key of the two-key advisory locks this store takes, so they cannot collide with
/// an application's own (the two-key and one-key lock spaces are disjoint): "oau2".
const LOCK_CLASS: i32 = 0x6f61_7532;

/// A store in a PostgreSQL database, in a schema of its own (`oauth2` unless configured):
/// clients ([`ClientRecord`](crate::model::ClientRecord)), codes and tokens.
///
/// Any number of provider nodes may share one database: a code or refresh token is consumed by
/// a conditional `UPDATE` in the transaction that inserts its successors, so exactly one
/// request across all nodes wins it. Operations wait at most the
/// [acquire timeout](PostgresOptions::acquire_timeout) for a connection and then fail with
/// [`StoreError::Unavailable`] (a 503 `temporarily_unavailable`); the pool reconnects by itself
/// when the database is back.
///
/// Only hashes of codes and tokens are stored. Expired records stay until
/// [`purge_expired`](Store::purge_expired) (or a [`spawn_purge`](Self::spawn_purge) task)
/// deletes them. Connections are plain TCP or a Unix socket: put TLS in front if the database
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
pub struct PostgresStore<
    S,
    K = CodeRecord<S>,
    A = TokenRecord<S, AccessKind>,
    R = TokenRecord<S, RefreshKind>,
> {
    pool: PgPool,
    schema: Arc<str>,
    records: Records<S, K, A, R>,
}

/// How a [`PostgresStore`] connects.
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

impl<S, K, A, R> PostgresStore<S, K, A, R> {
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
        if !sql::valid_identifier(&options.schema) {
            return Err(StoreError::Other(
                "a PostgreSQL store schema must match [a-z_][a-z0-9_]* (at most 63 bytes)".into(),
            ));
        }
        let connect = PgConnectOptions::from_str(url)
            .map_err(db_error)?
            // A startup parameter rather than a `SET` after connecting: no extra round trip,
            // and a pooler that cannot keep it refuses the connection instead of silently
            // using another schema.
            .options([("search_path", options.schema.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_lazy_with(connect);
        Ok(PostgresStore {
            pool,
            schema: options.schema.into(),
            records: PhantomData,
        })
    }

    /// Creates the schema if missing and applies any migration not yet applied to it.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        // The name is validated to [a-z_][a-z0-9_]* at construction; DDL takes no parameters.
        let create = format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", self.schema);
        if let Err(err) = sqlx::query(&create).execute(&self.pool).await {
            // Concurrent `IF NOT EXISTS` can still race on the catalog's unique index.
            let raced = err
                .as_database_error()
                .and_then(|db| db.code())
                .is_some_and(|code| code == "23505" || code == "42P06");
            if !raced {
                return Err(db_error(err));
            }
        }
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| sql::map_migrate_error(e, unavailable_code))
    }

    /// The connection pool, for operations and monitoring. Its connections use the store's
    /// schema as their `search_path`.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The schema holding the store's tables.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Closes every connection, waiting for operations in progress. Clones of the store share
    /// the pool and are closed too.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin_family(
        &self,
        grant_id: GrantId,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        // Serialises the transactions that consume a family's code or refresh tokens with the
        // one revoking the family. Row locks alone do not: a revocation's DELETE would not see
        // a successor token committed after its snapshot was taken.
        let [a, b, c, d, ..] = *grant_id.as_bytes();
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(LOCK_CLASS)
            .bind(i32::from_be_bytes([a, b, c, d]))
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

impl<S, K, A, R> PostgresStore<S, K, A, R>
where
    Self: Store,
{
    /// Starts a [`PurgeTask`] that deletes expired records every `every`. Call it within a
    /// Tokio runtime; the task stops when the returned handle is dropped. One node purging is
    /// enough; several are harmless.
    pub fn spawn_purge(&self, every: Duration) -> PurgeTask {
        PurgeTask::spawn(self.clone(), every)
    }
}

impl<S, K, A, R> Clone for PostgresStore<S, K, A, R> {
    fn clone(&self) -> Self {
        PostgresStore {
            pool: self.pool.clone(),
            schema: Arc::clone(&self.schema),
            records: PhantomData,
        }
    }
}

impl<S, K, A, R> fmt::Debug for PostgresStore<S, K, A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .field("pool", &self.pool)
            .finish()
    }
}

sql::impl_sql_store!(PostgresStore, Postgres, db_error);

fn db_error(err: sqlx::Error) -> StoreError {
    sql::map_error(err, unavailable_code)
}

/// SQLSTATEs meaning "not now": class 08 (connection exception), 53300 (too many
/// connections), 57P01–57P03 (shutting down, crashed, starting up), 25006 (a read-only
/// standby, as during a failover).
fn unavailable_code(code: &str) -> bool {
    code.starts_with("08") || code.starts_with("57P0") || matches!(code, "53300" | "25006")
}
