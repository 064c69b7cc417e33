//! The store conformance suite against PostgreSQL (`DATABASE_URL`), each test in a schema of
//! its own so the tests run in parallel; and fail-closed behaviour when the database is gone.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use oauth2_provider::error::{ErrorCode, OAuthError, StoreError};
use oauth2_provider::model::{AccessKind, NewToken, TokenRecord};
use oauth2_provider::model::{GrantId, TokenHash};
use oauth2_provider::scope::Scopes;
use oauth2_provider::store::testing::{self, Backend, TestScope};
use oauth2_provider::store::{ClientStore, PostgresOptions, PostgresStore, TokenStore};

use super::client;

struct Postgres {
    url: String,
    schema: String,
    first: PostgresStore<TestScope>,
}

fn options(schema: &str) -> PostgresOptions {
    // Small pools: two tests at a time, two nodes each, stay far below `max_connections`.
    PostgresOptions::new().schema(schema).max_connections(5)
}

impl Backend for Postgres {
    type Store = PostgresStore<TestScope>;

    async fn node(&self) -> Arc<Self::Store> {
        let store = PostgresStore::connect_with(&self.url, options(&self.schema))
            .await
            .unwrap();
        Arc::new(store)
    }

    /// Every table of the test's schema, as PostgreSQL's own XML export (bytea in base64).
    async fn dump(&self) -> Option<Vec<u8>> {
        let xml: String = sqlx::query_scalar("SELECT schema_to_xml($1, true, false, '')::text")
            .bind(&self.schema)
            .fetch_one(self.first.pool())
            .await
            .unwrap();
        Some(xml.into_bytes())
    }

    fn native_expiry(&self) -> bool {
        false
    }

    async fn cleanup(self) {
        // The name is ours: "oauth2_test_" and hex.
        let drop = format!("DROP SCHEMA \"{}\" CASCADE", self.schema);
        sqlx::query(&drop).execute(self.first.pool()).await.unwrap();
        self.first.close().await;
    }
}

async fn open(test: &str) -> Option<Postgres> {
    let url = testing::service_url(test, "DATABASE_URL")?;
    let schema = format!("oauth2_test_{}", testing::unique_suffix());
    match PostgresStore::connect_with(&url, options(&schema)).await {
        Ok(first) => Some(Postgres { url, schema, first }),
        Err(StoreError::Unavailable(err)) => testing::unavailable(
            test,
            format!("PostgreSQL at DATABASE_URL is unreachable: {err}"),
        ),
        Err(err) => panic!("{test}: connecting to PostgreSQL failed: {err}"),
    }
}

oauth2_provider::store_conformance!(tokens, open);
oauth2_provider::store_conformance!(clients, open);
oauth2_provider::store_conformance!(state, open);
oauth2_provider::store_conformance!(keys, open);

/// Nothing listens on port 1: connecting, and every operation of a store that connects lazily,
/// fail with `Unavailable` (a 503 `temporarily_unavailable`) within a few seconds.
#[tokio::test]
async fn unreachable_database_fails_closed_quickly() {
    const URL: &str = "postgres://postgres@127.0.0.1:1/test";

    let started = Instant::now();
    let err = PostgresStore::<TestScope>::connect(URL).await.unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(waited < Duration::from_secs(5), "took {waited:?}");
    assert_eq!(
        OAuthError::from(err).code(),
        ErrorCode::TemporarilyUnavailable
    );

    let connect_waited = waited;
    let options = PostgresOptions::new().acquire_timeout(Duration::from_secs(1));
    let store = PostgresStore::<TestScope>::connect_lazy_with(URL, options).unwrap();
    let started = Instant::now();
    let found = store.find_client("app").await;
    assert!(
        matches!(found, Err(StoreError::Unavailable(_))),
        "{found:?}"
    );
    let exchanged = store
        .exchange_code(
            &TokenHash::of("code"),
            TokenRecord::<_, AccessKind>::of(NewToken {
                token_hash: TokenHash::of("token"),
                grant_id: GrantId::generate(),
                client_id: "app".to_owned(),
                subject: None,
                scope: TestScope::empty(),
                expires_at: None,
                extras: Default::default(),
            }),
            None,
        )
        .await;
    assert!(
        matches!(exchanged, Err(StoreError::Unavailable(_))),
        "{exchanged:?}"
    );
    let purged = store.purge_expired(SystemTime::now()).await;
    assert!(
        matches!(purged, Err(StoreError::Unavailable(_))),
        "{purged:?}"
    );
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(5),
        "three operations took {waited:?}"
    );
    println!("connect failed after {connect_waited:?}; three operations after {waited:?}");
}

/// A schema name is interpolated into DDL, so anything but `[a-z_][a-z0-9_]*` is refused
/// before any connection is made.
#[tokio::test]
async fn schema_names_are_validated() {
    for bad in [
        "",
        "Upper",
        "a-b",
        "x\"; DROP TABLE t; --",
        "1abc",
        &"a".repeat(64),
    ] {
        let store = PostgresStore::<TestScope>::connect_lazy_with(
            "postgres://postgres@127.0.0.1:1/test",
            PostgresOptions::new().schema(bad),
        );
        assert!(
            matches!(store, Err(StoreError::Other(_))),
            "{bad:?} accepted"
        );
    }
}

/// A token issued alone and a validation are one round trip each: the pool pings a connection
/// only after it sat idle, not before every statement.
#[tokio::test]
async fn issuance_and_validation_are_one_round_trip_each() {
    const TEST: &str = "stores::postgres::issuance_and_validation_are_one_round_trip_each";
    let Some(url) = testing::service_url(TEST, "DATABASE_URL") else {
        return;
    };
    let proxy = testing::Proxy::start(&testing::host_port(&url)).await;
    let schema = format!("oauth2_test_{}", testing::unique_suffix());
    let store: PostgresStore<TestScope> = match PostgresStore::connect_with(
        &testing::via(&url, proxy.addr()),
        options(&schema),
    )
    .await
    {
        Ok(store) => store,
        Err(err) => return testing::unavailable(TEST, err).unwrap_or(()),
    };
    super::round_trips::one_each_for_issuance_and_validation(&store, &proxy).await;
    let drop = format!("DROP SCHEMA \"{schema}\" CASCADE");
    sqlx::query(&drop).execute(store.pool()).await.unwrap();
    store.close().await;
}

/// The database goes away under a running store (every connection cut, new ones refused):
/// operations fail with `Unavailable` within seconds; when it is back, the store serves
/// again by itself.
#[tokio::test]
async fn outage_fails_closed_and_recovers() {
    const TEST: &str = "stores::postgres::outage_fails_closed_and_recovers";
    let Some(url) = testing::service_url(TEST, "DATABASE_URL") else {
        return;
    };
    let mut proxy = testing::Proxy::start(&testing::host_port(&url)).await;
    let schema = format!("oauth2_test_{}", testing::unique_suffix());
    let options = options(&schema).acquire_timeout(Duration::from_secs(1));
    let store: PostgresStore<TestScope> =
        match PostgresStore::connect_with(&testing::via(&url, proxy.addr()), options).await {
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
            Err(StoreError::Unavailable(_)) if started.elapsed() < Duration::from_secs(10) => {}
            Err(err) => panic!("no recovery: {err}"),
        }
    };
    assert!(recovered.is_some());
    println!(
        "failed closed after {waited:?}; recovered {:?} after the database came back",
        started.elapsed()
    );

    let drop = format!("DROP SCHEMA \"{schema}\" CASCADE");
    sqlx::query(&drop).execute(store.pool()).await.unwrap();
    store.close().await;
}

/// The client cache (`ClientCache`): on by default, each node told of every change by the
/// `oauth_clients` trigger; a node whose listening connection drops forgets everything.
#[tokio::test]
async fn client_cache() {
    use super::client_cache as cache;
    let Some(b) = open("client_cache").await else {
        return;
    };
    // A write the trigger does not see: replica mode skips ordinary triggers.
    let pool = b.first.pool().clone();
    let bypass = move |id: String, name: String| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("SET LOCAL session_replication_role = replica")
                .execute(&mut *tx)
                .await
                .unwrap();
            sqlx::query("UPDATE oauth_clients SET name = $1 WHERE client_id = $2")
                .bind(name)
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    };
    cache::own_changes_and_unknown_ids(&b, None).await;
    cache::notified(&b, &bypass).await;
    cache::off(&b, Some(oauth2_provider::store::ClientCache::off())).await;

    // The listening connection killed: what it may have missed is forgotten.
    let one = cache::node(&b, None).await;
    one.save_client(cache::named("app", "v1")).await.unwrap();
    cache::until_cached(&one, "app", &bypass).await;
    bypass("app".to_owned(), "unseen".to_owned()).await;
    let name = one.find_client("app").await.unwrap().unwrap().name.clone();
    assert_ne!(name, "unseen", "answered from the cache");
    let listen = format!("LISTEN \"oauth_clients.{}\"", b.schema);
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1",
    )
    .bind(&listen)
    .fetch_all(b.first.pool())
    .await
    .unwrap();
    assert!(!killed.is_empty(), "no connection runs {listen}");
    cache::eventually(&one, "app", Some("unseen")).await;
}
