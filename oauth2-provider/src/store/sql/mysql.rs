//! MySQL and MariaDB (feature `mysql`): the shared store of many provider nodes, where MySQL
//! is the database that runs.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{Connection as _, Pool, Transaction};

use super::dialect::{Column, Value, driver, private};
use super::stmt::{STATE_COLUMNS, Statements};
use super::{SqlStore, map_error, map_migrate_error, valid_identifier};
use crate::error::StoreError;
use crate::model::GrantId;

static MIGRATOR: Migrator = sqlx::migrate!("migrations/mysql");

/// The MySQL dialect of [`SqlStore`]: a store ([`MysqlStore`](super::MysqlStore)) in a database
/// of its own, on MySQL 8 or MariaDB 10.5 and later (InnoDB).
///
/// Any number of provider nodes may share one database. A code or refresh token is consumed by
/// a conditional `UPDATE` in the transaction that inserts its successors, so exactly one
/// request across all nodes wins it; a revocation's `DELETE`s read the latest committed rows
/// and lock the gaps between them, so a successor committed while it waits is revoked too, and
/// a transaction InnoDB picks as a deadlock victim is run again. Every text column compares
/// byte for byte (`utf8mb4_bin`), so a client id `App` is never `app`. Connections are plain
/// TCP or a Unix socket: put TLS in front if the database is remote.
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
/// use oauth2_provider::store::{MysqlOptions, MysqlStore};
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
///
/// let store: MysqlStore<S> = MysqlStore::connect_with(
///     "mysql://oauth@db.internal/app",
///     MysqlOptions::new().database("oauth2").max_connections(20),
/// )
/// .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MySql;

/// How a [`MysqlStore`](super::MysqlStore) connects.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::store::MysqlOptions;
/// let options = MysqlOptions::new()
///     .database("oauth2_tenant_a")
///     .max_connections(16)
///     .acquire_timeout(Duration::from_secs(2));
/// ```
#[derive(Clone, Debug)]
pub struct MysqlOptions {
    database: Option<String>,
    max_connections: u32,
    acquire_timeout: Duration,
}

impl Default for MysqlOptions {
    fn default() -> Self {
        MysqlOptions {
            database: None,
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

impl MysqlOptions {
    /// The URL's database, 10 connections, a 3 s acquire timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// The database holding the store's tables and migration history, created if missing,
    /// instead of the URL's. It must match `[a-z_][a-z0-9_]*` (at most 63 bytes); anything else
    /// fails at connect.
    pub fn database(mut self, database: impl Into<String>) -> Self {
        self.database = Some(database.into());
        self
    }

    /// The most connections each node keeps.
    pub fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = max;
        self
    }

    /// How long an operation waits for a connection (including connecting) before failing
    /// with [`StoreError::Unavailable`].
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }
}

impl<S: Send + Sync + 'static, K, A, R> SqlStore<MySql, S, K, A, R> {
    /// Connects to `url` (`mysql://user:password@host:3306/database`) with the default
    /// [`MysqlOptions`] and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, MysqlOptions::new()).await
    }

    /// Connects to `url`, creates the options' database if it is missing, and brings the schema
    /// up to date (many nodes may do so at once).
    pub async fn connect_with(url: &str, options: MysqlOptions) -> Result<Self, StoreError> {
        let error = |e| map_error(e, <MySql as private::Dialect>::unavailable);
        let mut connect = MySqlConnectOptions::from_str(url).map_err(error)?;
        if let Some(database) = &options.database {
            if !valid_identifier(database) {
                return Err(StoreError::Other(
                    "a MySQL store database must match [a-z_][a-z0-9_]* (at most 63 bytes)".into(),
                ));
            }
            let mut server = sqlx::MySqlConnection::connect_with(&connect)
                .await
                .map_err(error)?;
            // The name is validated above; DDL takes no parameters.
            let create = format!("CREATE DATABASE IF NOT EXISTS `{database}`");
            sqlx::query(&create)
                .execute(&mut server)
                .await
                .map_err(error)?;
            server.close().await.map_err(error)?;
            connect = connect.database(database);
        }
        let pool = super::pool::ping_when_idle(MySqlPoolOptions::new())
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_lazy_with(connect);
        Self::migrated(pool, MySql).await
    }
}

mod mysql_driver {
    // The text columns compare byte for byte (`utf8mb4_bin`), which MySQL reports as BLOBs.
    super::driver!(sqlx::MySql, try_get_unchecked);
}

/// MySQL's statements: `?` parameters, `ON DUPLICATE KEY UPDATE`, `DELETE ... LIMIT`.
const STATEMENTS: Statements = Statements {
    find_client: "SELECT client_id, secret_hash, redirect_uris, grant_types, scope, name, metadata \
        FROM oauth_clients WHERE client_id = ?",
    list_clients: "SELECT client_id, secret_hash, redirect_uris, grant_types, scope, name, metadata \
        FROM oauth_clients",
    save_client: "INSERT INTO oauth_clients \
        (client_id, secret_hash, redirect_uris, grant_types, scope, name, metadata) \
        VALUES (?, ?, ?, ?, ?, ?, ?) \
        ON DUPLICATE KEY UPDATE secret_hash = VALUES(secret_hash), \
        redirect_uris = VALUES(redirect_uris), grant_types = VALUES(grant_types), \
        scope = VALUES(scope), name = VALUES(name), metadata = VALUES(metadata)",
    delete_client: "DELETE FROM oauth_clients WHERE client_id = ?",

    insert_code: "INSERT INTO oauth_codes (code_hash, grant_id, client_id, subject, \
        redirect_uri, scope, challenge_method, challenge, expires_at, extras, used) \
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)",
    find_code: "SELECT code_hash, grant_id, client_id, subject, redirect_uri, scope, \
        challenge_method, challenge, expires_at, extras FROM oauth_codes WHERE code_hash = ?",
    consume_code: "UPDATE oauth_codes SET used = TRUE WHERE code_hash = ? AND used = FALSE",
    code_used: "SELECT used FROM oauth_codes WHERE code_hash = ?",

    insert_access: "INSERT INTO oauth_access_tokens (token_hash, grant_id, client_id, \
        subject, scope, expires_at, extras) VALUES (?, ?, ?, ?, ?, ?, ?)",
    find_access: "SELECT token_hash, grant_id, client_id, subject, scope, expires_at, extras \
        FROM oauth_access_tokens WHERE token_hash = ?",
    revoke_access: "DELETE FROM oauth_access_tokens WHERE token_hash = ?",

    insert_refresh: "INSERT INTO oauth_refresh_tokens (token_hash, grant_id, client_id, \
        subject, scope, expires_at, extras, used) VALUES (?, ?, ?, ?, ?, ?, ?, FALSE)",
    find_refresh: "SELECT token_hash, grant_id, client_id, subject, scope, expires_at, extras, \
        used FROM oauth_refresh_tokens WHERE token_hash = ?",
    consume_refresh: "UPDATE oauth_refresh_tokens SET used = TRUE \
        WHERE token_hash = ? AND used = FALSE",
    refresh_used: "SELECT used FROM oauth_refresh_tokens WHERE token_hash = ?",

    revoke_grant: [
        "DELETE FROM oauth_codes WHERE grant_id = ?",
        "DELETE FROM oauth_refresh_tokens WHERE grant_id = ?",
        "DELETE FROM oauth_access_tokens WHERE grant_id = ?",
    ],
    purge: [
        "DELETE FROM oauth_codes WHERE expires_at <= ? LIMIT ?",
        "DELETE FROM oauth_access_tokens WHERE expires_at <= ? LIMIT ?",
        "DELETE FROM oauth_refresh_tokens WHERE expires_at <= ? LIMIT ?",
        "DELETE FROM oauth_once WHERE expires_at <= ? LIMIT ?",
        "DELETE FROM oauth_state WHERE expires_at <= ? LIMIT ?",
    ],

    put_state: "INSERT INTO oauth_state (key_hash, value, version, expires_at) \
        VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value), \
        version = VALUES(version), expires_at = VALUES(expires_at)",
    get_state: "SELECT value, version, expires_at FROM oauth_state \
        WHERE key_hash = ? AND expires_at > ?",
    swap_state: "UPDATE oauth_state SET value = ?, version = ?, expires_at = ? \
        WHERE key_hash = ? AND version = ? AND expires_at > ?",
    delete_state: "DELETE FROM oauth_state WHERE key_hash = ? AND expires_at > ?",

    #[cfg(feature = "jwt")]
    load_keys: "SELECT kid, alg, created_at, activates_at, retired_at, retain_until, encrypted, \
        private_key FROM oauth_keys",
    #[cfg(feature = "jwt")]
    save_key: "INSERT INTO oauth_keys (kid, alg, created_at, activates_at, retired_at, \
        retain_until, encrypted, private_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
        ON DUPLICATE KEY UPDATE alg = VALUES(alg), created_at = VALUES(created_at), \
        activates_at = VALUES(activates_at), retired_at = VALUES(retired_at), \
        retain_until = VALUES(retain_until), encrypted = VALUES(encrypted), \
        private_key = VALUES(private_key)",
    #[cfg(feature = "jwt")]
    delete_key: "DELETE FROM oauth_keys WHERE kid = ?",
};

impl private::Dialect for MySql {
    type Db = sqlx::MySql;

    const STATEMENTS: &'static Statements = &STATEMENTS;

    async fn execute(
        conn: &mut sqlx::MySqlConnection,
        sql: &'static str,
        params: Vec<Value>,
    ) -> Result<u64, sqlx::Error> {
        mysql_driver::run(conn, sql, params).await
    }

    async fn fetch(
        conn: &mut sqlx::MySqlConnection,
        sql: &'static str,
        params: Vec<Value>,
        columns: &'static [Column],
    ) -> Result<Vec<Vec<Value>>, sqlx::Error> {
        mysql_driver::rows(conn, sql, params, columns).await
    }

    async fn begin_family(
        &self,
        pool: &Pool<sqlx::MySql>,
        _: GrantId,
    ) -> Result<Transaction<'static, sqlx::MySql>, sqlx::Error> {
        // REPEATABLE READ, InnoDB's default: its DELETEs lock the gaps they scan, so a
        // successor inserted into a family while it is revoked waits, and is then revoked.
        pool.begin().await
    }

    async fn remember_once(
        pool: &Pool<sqlx::MySql>,
        key: Vec<u8>,
        until: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        // READ COMMITTED for this transaction alone: a DELETE that finds nothing then takes no
        // gap lock, which concurrent callers' inserts would deadlock on. An expired entry goes,
        // then the insert wins, or sees the entry another caller just remembered.
        let mut conn = pool.acquire().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            .execute(&mut *conn)
            .await?;
        let mut tx = conn.begin().await?;
        let forget = vec![Value::Bytes(key.clone()), Value::Int(Some(now))];
        let expired = "DELETE FROM oauth_once WHERE key_hash = ? AND expires_at <= ?";
        mysql_driver::run(&mut tx, expired, forget).await?;
        let remember = vec![Value::Bytes(key), Value::Int(Some(until))];
        let insert = "INSERT IGNORE INTO oauth_once (key_hash, expires_at) VALUES (?, ?)";
        let won = mysql_driver::run(&mut tx, insert, remember).await? == 1;
        tx.commit().await?;
        Ok(won)
    }

    async fn take_state(
        pool: &Pool<sqlx::MySql>,
        key: Vec<u8>,
        now: i64,
    ) -> Result<Option<Vec<Value>>, sqlx::Error> {
        // No `DELETE ... RETURNING` in MySQL: a locking read, then the delete, in one
        // transaction. READ COMMITTED, as for remember_once: a read that finds nothing takes
        // no gap lock for a concurrent put to deadlock on. A concurrent take waits on the row
        // lock, then reads the row gone.
        let mut conn = pool.acquire().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            .execute(&mut *conn)
            .await?;
        let mut tx = conn.begin().await?;
        let live = "SELECT value, version, expires_at FROM oauth_state \
            WHERE key_hash = ? AND expires_at > ? FOR UPDATE";
        let params = vec![Value::Bytes(key.clone()), Value::Int(Some(now))];
        let Some(row) = mysql_driver::rows(&mut tx, live, params, STATE_COLUMNS)
            .await?
            .into_iter()
            .next()
        else {
            tx.rollback().await?;
            return Ok(None);
        };
        let delete = "DELETE FROM oauth_state WHERE key_hash = ?";
        mysql_driver::run(&mut tx, delete, vec![Value::Bytes(key)]).await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    /// SQLSTATEs meaning "not now": class 08 (connection exception), HYT00 (timeout), and
    /// 40001 once retries ran out.
    fn unavailable(code: &str) -> bool {
        code.starts_with("08") || matches!(code, "HYT00" | "40001")
    }

    /// 40001: InnoDB rolled this transaction back as a deadlock victim.
    fn retry(code: &str) -> bool {
        code == "40001"
    }

    async fn migrate(&self, pool: &Pool<sqlx::MySql>) -> Result<(), StoreError> {
        MIGRATOR
            .run(pool)
            .await
            .map_err(|e| map_migrate_error(e, Self::unavailable))
    }
}
