//! The store conformance suite against Redis (`REDIS_URL`), each test under a key prefix of
//! its own so the tests run in parallel; and fail-closed behaviour when Redis is gone.

use std::sync::Arc;
use std::time::{Duration, Instant};

use oauth2_provider::error::StoreError;
use oauth2_provider::model::{GrantId, TokenHash};
use oauth2_provider::store::testing::{self, Backend, TestScope};
use oauth2_provider::store::{ClientStore, RedisOptions, RedisStore, TokenStore};
use redis::aio::MultiplexedConnection;

use super::client;

struct Redis {
    url: String,
    prefix: String,
    conn: MultiplexedConnection,
}

impl Redis {
    async fn keys(&self) -> Vec<Vec<u8>> {
        let mut conn = self.conn.clone();
        let mut keys = Vec::new();
        let mut cursor = 0u64;
        loop {
            let (next, batch): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{}*", self.prefix))
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut conn)
                .await
                .unwrap();
            keys.extend(batch);
            if next == 0 {
                return keys;
            }
            cursor = next;
        }
    }
}

impl Backend for Redis {
    type Store = RedisStore<TestScope>;

    async fn node(&self) -> Arc<Self::Store> {
        let options = RedisOptions::new().prefix(&self.prefix);
        Arc::new(RedisStore::connect_with(&self.url, options).await.unwrap())
    }

    /// Every key under the test's prefix, and every value in it.
    async fn dump(&self) -> Option<Vec<u8>> {
        let mut conn = self.conn.clone();
        let mut bytes = Vec::new();
        for key in self.keys().await {
            dump_key(&mut conn, &key, &mut bytes).await;
        }
        Some(bytes)
    }

    fn native_expiry(&self) -> bool {
        true
    }

    async fn cleanup(self) {
        let keys = self.keys().await;
        if !keys.is_empty() {
            let _: i64 = redis::cmd("DEL")
                .arg(keys)
                .query_async(&mut self.conn.clone())
                .await
                .unwrap();
        }
    }
}

async fn open(test: &str) -> Option<Redis> {
    let url = testing::service_url(test, "REDIS_URL")?;
    let conn = match redis::Client::open(url.as_str()) {
        Ok(client) => client.get_multiplexed_async_connection().await,
        Err(err) => panic!("{test}: REDIS_URL is not a Redis URL: {err}"),
    };
    match conn {
        Ok(conn) => Some(Redis {
            url,
            prefix: format!("oauth2_test:{}:", testing::unique_suffix()),
            conn,
        }),
        Err(err) => testing::unavailable(test, format!("Redis at REDIS_URL is unreachable: {err}")),
    }
}

oauth2_provider::store_conformance!(tokens, open);
oauth2_provider::store_conformance!(clients, open);
oauth2_provider::store_conformance!(state, open);
oauth2_provider::store_conformance!(keys, open);

/// On one Redis the keys carry no family tag, as before tags existed: a token whose first
/// characters are not its grant's (one minted before) is stored and found under the name it
/// always had, and revoked with its grant.
#[tokio::test]
async fn one_redis_names_keys_as_before_family_tags() {
    const TEST: &str = "stores::redis::one_redis_names_keys_as_before_family_tags";
    let Some(backend) = open(TEST).await else {
        return;
    };
    let store = backend.node().await;
    let grant = GrantId::generate();
    let token = super::token_outside(grant);
    let hash = TokenHash::of(&token);
    let expires_at = std::time::SystemTime::now() + Duration::from_secs(600);
    let record = super::access_token(hash, grant, Some(expires_at));
    store.insert_tokens(record, None).await.unwrap();
    assert!(store.find_access_token(&hash).await.unwrap().is_some());
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    let mut names: Vec<String> = backend
        .keys()
        .await
        .into_iter()
        .map(|key| String::from_utf8(key).unwrap())
        .collect();
    names.sort();
    let prefix = &backend.prefix;
    assert_eq!(
        names,
        [
            format!("{prefix}access:{}", hex(hash.as_bytes())),
            format!("{prefix}grant:{}", hex(grant.as_bytes())),
        ]
    );
    store.revoke_grant(grant).await.unwrap();
    assert!(store.find_access_token(&hash).await.unwrap().is_none());
    backend.cleanup().await;
}

/// A grant's index expires with the last of its members: a later member pushes its expiry out,
/// an earlier one leaves it, a member that never expires keeps it forever, and after that no
/// member brings an expiry back.
#[tokio::test]
async fn a_grant_index_expires_with_its_last_member() {
    const TEST: &str = "stores::redis::a_grant_index_expires_with_its_last_member";
    let Some(backend) = open(TEST).await else {
        return;
    };
    let store = backend.node().await;
    let grant = GrantId::generate();
    let hex: String = grant
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let index = format!("{}grant:{hex}", backend.prefix);
    let now = std::time::SystemTime::now();
    let mut conn = backend.conn.clone();
    let mut expiry_after = async |expires_at: Option<std::time::SystemTime>| -> i64 {
        let hash = TokenHash::of(&super::token_outside(grant));
        let record = super::access_token(hash, grant, expires_at);
        store.insert_tokens(record, None).await.unwrap();
        redis::cmd("PEXPIRETIME")
            .arg(&index)
            .query_async(&mut conn)
            .await
            .unwrap()
    };
    let ms = |secs: u64| {
        let at = now + Duration::from_secs(secs);
        i64::try_from(
            at.duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis(),
        )
        .unwrap()
    };
    let within_a_ms = |got: i64, want: i64| (got - want).abs() <= 1;
    let first = expiry_after(Some(now + Duration::from_secs(600))).await;
    assert!(within_a_ms(first, ms(600)), "a new index: {first}");
    let later = expiry_after(Some(now + Duration::from_secs(1200))).await;
    assert!(within_a_ms(later, ms(1200)), "a later member: {later}");
    let earlier = expiry_after(Some(now + Duration::from_secs(300))).await;
    assert_eq!(earlier, later, "an earlier member moved the index's expiry");
    assert_eq!(expiry_after(None).await, -1, "a member that never expires");
    let after = expiry_after(Some(now + Duration::from_secs(60))).await;
    assert_eq!(
        after, -1,
        "an expiry came back after a member that never expires"
    );
    backend.cleanup().await;
}

/// Nothing listens on port 1: connecting fails with `Unavailable` within a few seconds.
#[tokio::test]
async fn unreachable_redis_fails_closed_quickly() {
    let started = Instant::now();
    let err = RedisStore::<TestScope>::connect("redis://127.0.0.1:1")
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(waited < Duration::from_secs(5), "took {waited:?}");
}

/// Redis goes away under a running store (the connection cut, new ones refused): operations
/// fail with `Unavailable` within seconds; when it is back, the store serves again by itself.
#[tokio::test]
async fn outage_fails_closed_and_recovers() {
    const TEST: &str = "stores::redis::outage_fails_closed_and_recovers";
    let Some(url) = testing::service_url(TEST, "REDIS_URL") else {
        return;
    };
    let mut proxy = testing::Proxy::start(&testing::host_port(&url)).await;
    let prefix = format!("oauth2_test:{}:", testing::unique_suffix());
    let options = RedisOptions::new()
        .prefix(&prefix)
        .timeout(Duration::from_secs(1));
    let store: RedisStore<TestScope> =
        match RedisStore::connect_with(&testing::via(&url, proxy.addr()), options).await {
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
    println!(
        "failed closed after {waited:?}; recovered {:?} after Redis came back",
        started.elapsed()
    );
    assert!(store.delete_client("app").await.unwrap());
}

/// Two stores whose prefixes are a prefix of one another never see each other's clients,
/// whatever ids are chosen: `a` + `client:` + `xclient:foo` must not be `aclient:x`'s `foo`.
#[tokio::test]
async fn prefixes_never_overlap_whatever_the_client_id() {
    const TEST: &str = "stores::redis::prefixes_never_overlap_whatever_the_client_id";
    let Some(url) = testing::service_url(TEST, "REDIS_URL") else {
        return;
    };
    let base = format!("oauth2_test:{}:", testing::unique_suffix());
    let open = |prefix: String| {
        let url = url.clone();
        async move {
            RedisStore::<TestScope>::connect_with(&url, RedisOptions::new().prefix(prefix)).await
        }
    };
    let tenant_a = match open(format!("{base}a")).await {
        Ok(store) => store,
        Err(err) => return testing::unavailable(TEST, err).unwrap_or(()),
    };
    let tenant_b = open(format!("{base}aclient:x")).await.unwrap();
    tenant_b.save_client(client("foo")).await.unwrap();
    for id in ["xclient:foo", ":foo", "x:client:foo", "foo"] {
        let found = tenant_a.find_client(id).await.unwrap();
        assert!(found.is_none(), "tenant a sees tenant b's client as {id:?}");
    }
    assert!(tenant_a.list_clients().await.unwrap().is_empty());
    assert!(tenant_b.delete_client("foo").await.unwrap());
}

/// Appends `key` and its values to `bytes`: one line of what the store wrote, for the suite's
/// before/after comparisons (shared with the cluster's backend).
pub(crate) async fn dump_key(conn: &mut MultiplexedConnection, key: &[u8], bytes: &mut Vec<u8>) {
    let kind: String = redis::cmd("TYPE").arg(key).query_async(conn).await.unwrap();
    let values: Vec<Vec<u8>> = match kind.as_str() {
        "hash" => redis::cmd("HGETALL").arg(key).query_async(conn).await,
        "set" => redis::cmd("SMEMBERS").arg(key).query_async(conn).await,
        "string" => redis::cmd("GET")
            .arg(key)
            .query_async(conn)
            .await
            .map(|v: Vec<u8>| vec![v]),
        "none" => Ok(Vec::new()), // expired since SCAN
        other => panic!("the store wrote a key of type {other}"),
    }
    .unwrap();
    bytes.extend(key);
    for value in values {
        bytes.push(0);
        bytes.extend(value);
    }
    bytes.push(b'\n');
}

/// The client cache (`ClientCache`): on by default, each node told of every change a store
/// makes through its subscription to `{prefix}clients`.
#[tokio::test]
async fn client_cache() {
    use super::client_cache as cache;
    let Some(b) = open("client_cache").await else {
        return;
    };
    // A write that publishes nothing.
    let bypass = |id: String, name: String| {
        let (mut conn, prefix) = (b.conn.clone(), b.prefix.clone());
        async move {
            let key = format!("{prefix}client:{}", hex(id.as_bytes()));
            let _: i64 = redis::cmd("HSET")
                .arg(&key)
                .arg("name")
                .arg(name)
                .query_async(&mut conn)
                .await
                .unwrap();
        }
    };
    cache::own_changes_and_unknown_ids(&b, None).await;
    cache::notified(&b, bypass).await;
    cache::off(&b, Some(oauth2_provider::store::ClientCache::off())).await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
