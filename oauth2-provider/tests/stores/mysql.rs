//! The store conformance suite against MySQL or MariaDB (`MYSQL_URL`), each test in a database
//! of its own so the tests run in parallel; and fail-closed behaviour when the database is gone.

use std::sync::Arc;
use std::time::{Duration, Instant};

use oauth2_provider::error::{ErrorCode, OAuthError, StoreError};
use oauth2_provider::store::testing::{self, Backend, TestClient, TestScope};
use oauth2_provider::store::{ClientStore, MysqlOptions, MysqlStore};
use sqlx::Row as _;

use super::client;

struct Mysql {
    url: String,
    database: String,
    first: MysqlStore<TestScope>,
}

fn options(database: &str) -> MysqlOptions {
    // Small pools: a few tests at a time, two nodes each, stay far below `max_connections`.
    MysqlOptions::new().database(database).max_connections(5)
}

impl Backend for Mysql {
    type Store = MysqlStore<TestScope>;

    async fn node(&self) -> Arc<Self::Store> {
        let store = MysqlStore::connect_with(&self.url, options(&self.database))
            .await
            .unwrap();
        Arc::new(store)
    }

    /// Every column of every row of the test's database, as the bytes the server sends.
    async fn dump(&self) -> Option<Vec<u8>> {
        let pool = self.first.pool();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = ?",
        )
        .bind(&self.database)
        .fetch_all(pool)
        .await
        .unwrap();
        let mut bytes = Vec::new();
        for table in tables {
            // The names are the store's own tables, read back from the catalog.
            let rows = sqlx::query(&format!("SELECT * FROM `{table}`"))
                .fetch_all(pool)
                .await
                .unwrap();
            for row in rows {
                for i in 0..row.len() {
                    let value: Option<Vec<u8>> = row.try_get_unchecked(i).unwrap();
                    bytes.extend(value.unwrap_or_default());
                    bytes.push(0);
                }
                bytes.push(b'\n');
            }
        }
        Some(bytes)
    }

    fn native_expiry(&self) -> bool {
        false
    }

    async fn cleanup(self) {
        // The name is ours: "oauth2_test_" and hex.
        let drop = format!("DROP DATABASE `{}`", self.database);
        sqlx::query(&drop).execute(self.first.pool()).await.unwrap();
        self.first.close().await;
    }
}

async fn open(test: &str) -> Option<Mysql> {
    let url = testing::service_url(test, "MYSQL_URL")?;
    let database = format!("oauth2_test_{}", testing::unique_suffix());
    match MysqlStore::connect_with(&url, options(&database)).await {
        Ok(first) => Some(Mysql {
            url,
            database,
            first,
        }),
        Err(StoreError::Unavailable(err)) => {
            testing::unavailable(test, format!("MySQL at MYSQL_URL is unreachable: {err}"))
        }
        Err(err) => panic!("{test}: connecting to MySQL failed: {err}"),
    }
}

oauth2_provider::store_conformance!(tokens, open);
oauth2_provider::store_conformance!(clients, open);
oauth2_provider::store_conformance!(state, open);
oauth2_provider::store_conformance!(keys, open);

/// Nothing listens on port 1: connecting fails with `Unavailable` (a 503
/// `temporarily_unavailable`) within a few seconds.
#[tokio::test]
async fn unreachable_database_fails_closed_quickly() {
    let started = Instant::now();
    let options = MysqlOptions::new().acquire_timeout(Duration::from_secs(1));
    let err = MysqlStore::<TestScope>::connect_with("mysql://root@127.0.0.1:1/test", options)
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(waited < Duration::from_secs(5), "took {waited:?}");
    assert_eq!(
        OAuthError::from(err).code(),
        ErrorCode::TemporarilyUnavailable
    );
}

/// A database name is interpolated into DDL, so anything but `[a-z_][a-z0-9_]*` is refused
/// before any connection is made.
#[tokio::test]
async fn database_names_are_validated() {
    for bad in [
        "",
        "Upper",
        "a-b",
        "x`; DROP TABLE t; --",
        "1abc",
        &"a".repeat(64),
    ] {
        let store = MysqlStore::<TestScope>::connect_with(
            "mysql://root@127.0.0.1:1/test",
            MysqlOptions::new().database(bad),
        )
        .await;
        assert!(
            matches!(store, Err(StoreError::Other(_))),
            "{bad:?} accepted"
        );
    }
}

/// A client id differing only by trailing spaces, or by case, is another client: MySQL's
/// collations would otherwise call them equal.
#[tokio::test]
async fn client_ids_compare_byte_for_byte() {
    let Some(backend) = open("stores::mysql::client_ids_compare_byte_for_byte").await else {
        return;
    };
    let store = backend.node().await;
    store.save_client(client("app")).await.unwrap();
    for other in ["app ", "APP", "App", "app\t", "äpp"] {
        assert!(
            store.find_client(other).await.unwrap().is_none(),
            "{other:?} found the client `app`"
        );
    }
    let spaced = TestClient {
        client_id: "app ".to_owned(),
        ..client("app")
    };
    store.save_client(spaced).await.unwrap();
    assert_eq!(store.list_clients().await.unwrap().len(), 2);
    backend.cleanup().await;
}

/// A token issued alone and a validation are one round trip each: the pool pings a connection
/// only after it sat idle, not before every statement.
#[tokio::test]
async fn issuance_and_validation_are_one_round_trip_each() {
    const TEST: &str = "stores::mysql::issuance_and_validation_are_one_round_trip_each";
    let Some(url) = testing::service_url(TEST, "MYSQL_URL") else {
        return;
    };
    let proxy = testing::Proxy::start(&testing::host_port(&url)).await;
    let database = format!("oauth2_test_{}", testing::unique_suffix());
    let store: MysqlStore<TestScope> =
        match MysqlStore::connect_with(&testing::via(&url, proxy.addr()), options(&database)).await
        {
            Ok(store) => store,
            Err(err) => return testing::unavailable(TEST, err).unwrap_or(()),
        };
    super::round_trips::one_each_for_issuance_and_validation(&store, &proxy).await;
    let drop = format!("DROP DATABASE `{database}`");
    sqlx::query(&drop).execute(store.pool()).await.unwrap();
    store.close().await;
}

/// The database goes away under a running store (every connection cut, new ones refused):
/// operations fail with `Unavailable` within seconds; when it is back, the store serves again
/// by itself.
#[tokio::test]
async fn outage_fails_closed_and_recovers() {
    const TEST: &str = "stores::mysql::outage_fails_closed_and_recovers";
    let Some(url) = testing::service_url(TEST, "MYSQL_URL") else {
        return;
    };
    let mut proxy = testing::Proxy::start(&testing::host_port(&url)).await;
    let database = format!("oauth2_test_{}", testing::unique_suffix());
    let options = options(&database).acquire_timeout(Duration::from_secs(1));
    let store: MysqlStore<TestScope> =
        match MysqlStore::connect_with(&testing::via(&url, proxy.addr()), options).await {
            Ok(store) => store,
            Err(err) => return testing::unavailable(TEST, err).unwrap_or(()),
        };
    store.save_client(client("app")).await.unwrap();

    proxy.cut();
    let started = Instant::now();
    let during = store.find_client("app").await;
    let waited = started.elapsed();
    assert!(
        matches!(during, Err(StoreError::Unavailable(_))),
        "{during:?}"
    );
    assert!(waited < Duration::from_secs(5), "took {waited:?}");

    proxy.restore().await;
    let started = Instant::now();
    let recovered = loop {
        match store.find_client("app").await {
            Ok(found) => break found,
            Err(StoreError::Unavailable(_)) if started.elapsed() < Duration::from_secs(10) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(err) => panic!("no recovery: {err}"),
        }
    };
    assert!(recovered.is_some());

    let drop = format!("DROP DATABASE `{database}`");
    sqlx::query(&drop).execute(store.pool()).await.unwrap();
    store.close().await;
}

/// The client cache (`ClientCache`): off by default; turned on, stale until its time to live.
#[tokio::test]
async fn client_cache() {
    use super::client_cache as cache;
    let Some(b) = open("client_cache").await else {
        return;
    };
    cache::off(&b, None).await;
    cache::own_changes_and_unknown_ids(&b, Some(cache::LONG)).await;
    cache::until_the_ttl(&b).await;
}
