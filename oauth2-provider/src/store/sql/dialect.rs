//! What differs between SQL databases, behind one trait: the statements' text, how values are
//! bound and read through the driver, how a family's transaction starts and ends, which errors
//! mean "not now", and the migrations. Everything else is written once, in `tokens.rs` and
//! `clients.rs`, over this.

use std::future::Future;

use sqlx::{Database, Pool, Transaction};

use super::stmt::Statements;
use crate::error::StoreError;
use crate::model::GrantId;
use crate::store::client_cache::{CachedClients, ClientCache, Feed};

/// A value bound to a statement, or read from a row.
#[derive(Debug)]
pub(crate) enum Value {
    Bytes(Vec<u8>),
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
}

/// How to read a column.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Column {
    Bytes,
    Text,
    Int,
    Bool,
}

/// A SQL database the store runs on: [`Sqlite`](super::Sqlite), [`Postgres`](super::Postgres)
/// or [`MySql`](super::MySql). Sealed: its methods are the store's internals.
pub trait Dialect: private::Dialect {}

impl<D: private::Dialect> Dialect for D {}

pub(crate) mod private {
    use super::*;

    /// The connection type of a dialect's database.
    pub(crate) type Conn<D> = <<D as Dialect>::Db as Database>::Connection;

    pub trait Dialect: Send + Sync + Sized + 'static {
        /// The sqlx database.
        type Db: Database;

        /// Every statement, in this dialect.
        const STATEMENTS: &'static Statements;

        /// The client cache a store starts with: on only where other nodes' changes reach it.
        const CLIENT_CACHE: ClientCache = ClientCache::off();

        /// Whether [`follow_clients`](Self::follow_clients) feeds the cache.
        const CLIENT_FEED: Feed = Feed::None;

        /// Starts following other nodes' client changes into `cache`, if the dialect can.
        fn follow_clients<C: Send + Sync + 'static>(
            &self,
            pool: &sqlx::Pool<Self::Db>,
            cache: &std::sync::Arc<CachedClients<C>>,
        ) {
            let _ = (pool, cache);
        }

        /// Runs `sql` with `params`; the rows it affected.
        fn execute<'c>(
            conn: &'c mut Conn<Self>,
            sql: &'static str,
            params: Vec<Value>,
        ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send + 'c;

        /// Runs the query `sql` with `params`; each row's `columns`, in order.
        fn fetch<'c>(
            conn: &'c mut Conn<Self>,
            sql: &'static str,
            params: Vec<Value>,
            columns: &'static [Column],
        ) -> impl Future<Output = Result<Vec<Vec<Value>>, sqlx::Error>> + Send + 'c;

        /// A transaction that consumes or revokes within `grant`'s family. Every such
        /// transaction of a family must see what the others committed: by serialising them
        /// (PostgreSQL's advisory lock, SQLite's write lock), or because the database's writes
        /// read the latest committed rows (MySQL's InnoDB), deadlock victims retried.
        fn begin_family(
            &self,
            pool: &Pool<Self::Db>,
            grant: GrantId,
        ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, sqlx::Error>> + Send;

        /// Remembers `key` until `until` unless it is remembered after `now`: one winner among
        /// concurrent callers. Times in microseconds.
        fn remember_once(
            pool: &Pool<Self::Db>,
            key: Vec<u8>,
            until: i64,
            now: i64,
        ) -> impl Future<Output = Result<bool, sqlx::Error>> + Send;

        /// Deletes the row of `oauth_state` under `key` if it is live after `now` (in
        /// microseconds) and returns its `STATE_COLUMNS`: one winner among concurrent callers.
        fn take_state(
            pool: &Pool<Self::Db>,
            key: Vec<u8>,
            now: i64,
        ) -> impl Future<Output = Result<Option<Vec<Value>>, sqlx::Error>> + Send;

        /// `true` for a database error code that means "not now" (shutting down, overloaded,
        /// a lock that could not be had), which may pass.
        fn unavailable(code: &str) -> bool;

        /// `true` for a database error code that means "this transaction lost a race; run it
        /// again" (a deadlock victim, a serialisation failure).
        fn retry(code: &str) -> bool;

        /// Brings the schema up to date.
        fn migrate(
            &self,
            pool: &Pool<Self::Db>,
        ) -> impl Future<Output = Result<(), StoreError>> + Send;
    }
}

/// Reads a row's values in order, each as the column it was fetched as.
pub(crate) struct Cells(std::vec::IntoIter<Value>);

impl Cells {
    pub(crate) fn new(row: Vec<Value>) -> Self {
        Cells(row.into_iter())
    }

    pub(crate) fn bytes(&mut self) -> Result<Vec<u8>, StoreError> {
        match self.0.next() {
            Some(Value::Bytes(bytes)) => Ok(bytes),
            _ => Err(super::super::row::corrupt(
                "a column that should hold bytes",
            )),
        }
    }

    pub(crate) fn optional_text(&mut self) -> Result<Option<String>, StoreError> {
        match self.0.next() {
            Some(Value::Text(text)) => Ok(text),
            _ => Err(super::super::row::corrupt("a column that should hold text")),
        }
    }

    pub(crate) fn text(&mut self) -> Result<String, StoreError> {
        self.optional_text()?
            .ok_or_else(|| super::super::row::corrupt("a NULL where text is required"))
    }

    pub(crate) fn optional_int(&mut self) -> Result<Option<i64>, StoreError> {
        match self.0.next() {
            Some(Value::Int(int)) => Ok(int),
            _ => Err(super::super::row::corrupt(
                "a column that should hold an integer",
            )),
        }
    }

    pub(crate) fn int(&mut self) -> Result<i64, StoreError> {
        self.optional_int()?
            .ok_or_else(|| super::super::row::corrupt("a NULL where an integer is required"))
    }

    pub(crate) fn bool(&mut self) -> Result<bool, StoreError> {
        match self.0.next() {
            Some(Value::Bool(b)) => Ok(b),
            _ => Err(super::super::row::corrupt(
                "a column that should hold a boolean",
            )),
        }
    }
}

/// The driver side of [`Dialect::execute`](private::Dialect::execute) and
/// [`Dialect::fetch`](private::Dialect::fetch), the same text for every driver; each dialect
/// instantiates it with its own database type, whose bounds are concrete there.
macro_rules! driver {
    ($db:ty) => {
        $crate::store::sql::dialect::driver!($db, try_get);
    };
    // `$text` reads a text column: `try_get`, or `try_get_unchecked` where the driver reports a
    // column of a binary collation (MySQL's `utf8mb4_bin`) as a BLOB although it holds text.
    ($db:ty, $text:ident) => {
        fn bind<'q>(
            mut query: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
            params: Vec<$crate::store::sql::dialect::Value>,
        ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
            use $crate::store::sql::dialect::Value;
            for param in params {
                query = match param {
                    Value::Bytes(bytes) => query.bind(bytes),
                    Value::Text(text) => query.bind(text),
                    Value::Int(int) => query.bind(int),
                    Value::Bool(b) => query.bind(b),
                };
            }
            query
        }

        pub(super) async fn run(
            conn: &mut <$db as sqlx::Database>::Connection,
            sql: &'static str,
            params: Vec<$crate::store::sql::dialect::Value>,
        ) -> Result<u64, sqlx::Error> {
            let done = bind(sqlx::query(sql), params).execute(conn).await?;
            Ok(done.rows_affected())
        }

        pub(super) async fn rows(
            conn: &mut <$db as sqlx::Database>::Connection,
            sql: &'static str,
            params: Vec<$crate::store::sql::dialect::Value>,
            columns: &'static [$crate::store::sql::dialect::Column],
        ) -> Result<Vec<Vec<$crate::store::sql::dialect::Value>>, sqlx::Error> {
            use sqlx::Row as _;
            use $crate::store::sql::dialect::{Column, Value};
            let found = bind(sqlx::query(sql), params).fetch_all(conn).await?;
            found
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .enumerate()
                        .map(|(i, column)| {
                            Ok(match column {
                                Column::Bytes => Value::Bytes(row.try_get(i)?),
                                Column::Text => Value::Text(row.$text(i)?),
                                Column::Int => Value::Int(row.try_get(i)?),
                                Column::Bool => Value::Bool(row.try_get(i)?),
                            })
                        })
                        .collect()
                })
                .collect()
        }
    };
}

pub(crate) use driver;
