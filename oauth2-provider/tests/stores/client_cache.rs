//! The durable stores' client cache (`ClientCache`): a node's own changes are seen at once;
//! PostgreSQL's and Redis's nodes learn of each other's through notifications, SQLite's and
//! MySQL's (off unless turned on) once the time to live runs out.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use oauth2_provider::store::testing::{Backend, TestClient, TestScope};
use oauth2_provider::store::{
    ClientCache, ClientStore, MysqlStore, PostgresStore, RedisStore, SqliteStore,
};

use super::client;

/// A store that takes a cache setting.
pub trait Cached: Sized {
    fn cached(self, cache: ClientCache) -> Self;
}

macro_rules! cached {
    ($($store:ty),*) => {$(
        impl Cached for $store {
            fn cached(self, cache: ClientCache) -> Self {
                self.client_cache(cache)
            }
        }
    )*};
}
cached!(
    PostgresStore<TestScope>,
    MysqlStore<TestScope>,
    SqliteStore<TestScope>,
    RedisStore<TestScope>
);

pub const LONG: ClientCache = ClientCache::new(16, Duration::from_secs(60));

/// A node with `cache`, or the store's default.
pub async fn node<B: Backend>(b: &B, cache: Option<ClientCache>) -> B::Store
where
    B::Store: Cached,
{
    let store = Arc::into_inner(b.node().await).expect("a fresh node has one owner");
    match cache {
        Some(cache) => store.cached(cache),
        None => store,
    }
}

pub fn named(id: &str, name: &str) -> TestClient {
    TestClient {
        name: name.to_owned(),
        ..client(id)
    }
}

async fn name_at<St: ClientStore<Client = TestClient>>(store: &St, id: &str) -> Option<String> {
    let found = store.find_client(id).await.unwrap();
    found.map(|c| c.name.clone())
}

/// Polls for at most five seconds until `store` answers `want` for `id`.
pub async fn eventually<St: ClientStore<Client = TestClient>>(
    store: &St,
    id: &str,
    want: Option<&str>,
) {
    let started = Instant::now();
    loop {
        let now = name_at(store, id).await;
        if now.as_deref() == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{id}: still {now:?}, want {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A node's own save and delete replace what it cached, at once; unknown ids are not cached,
/// so a client another node registers is found at once.
pub async fn own_changes_and_unknown_ids<B: Backend>(b: &B, cache: Option<ClientCache>)
where
    B::Store: ClientStore<Client = TestClient> + Cached,
{
    let (one, two) = (node(b, cache).await, node(b, cache).await);
    one.save_client(named("app", "v1")).await.unwrap();
    assert_eq!(name_at(&one, "app").await.as_deref(), Some("v1"));
    one.save_client(named("app", "v2")).await.unwrap();
    assert_eq!(name_at(&one, "app").await.as_deref(), Some("v2"));
    assert!(one.delete_client("app").await.unwrap());
    assert_eq!(name_at(&one, "app").await, None);

    assert_eq!(name_at(&one, "late").await, None);
    two.save_client(named("late", "v1")).await.unwrap();
    assert_eq!(name_at(&one, "late").await.as_deref(), Some("v1"));
}

/// Waits (five seconds at most) until `store` answers `id` from its cache: a node listens
/// from some moment after it connects, and reads every time until then. `bypass` writes a
/// name the feed does not carry.
pub async fn until_cached<St, F>(store: &St, id: &str, bypass: &impl Fn(String, String) -> F)
where
    St: ClientStore<Client = TestClient>,
    F: Future<Output = ()>,
{
    let started = Instant::now();
    for probe in 0.. {
        let before = name_at(store, id).await;
        bypass(id.to_owned(), format!("probe {probe}")).await;
        if name_at(store, id).await == before {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{id}: never answered from the cache"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Where nodes are notified (the default cache of PostgreSQL and Redis): a node answers from
/// its cache, and another node's change reaches that cache within moments.
pub async fn notified<B, F>(b: &B, bypass: impl Fn(String, String) -> F)
where
    B: Backend,
    B::Store: ClientStore<Client = TestClient> + Cached,
    F: Future<Output = ()>,
{
    let (one, two) = (node(b, None).await, node(b, None).await);
    two.save_client(named("app", "v1")).await.unwrap();
    until_cached(&one, "app", &bypass).await;
    two.save_client(named("app", "v2")).await.unwrap();
    eventually(&one, "app", Some("v2")).await;
    two.delete_client("app").await.unwrap();
    eventually(&one, "app", None).await;
}

/// Where nodes are not notified (SQLite and MySQL, with a cache turned on): another node's
/// change is seen once the entry's time to live is over, not before.
pub async fn until_the_ttl<B: Backend>(b: &B)
where
    B::Store: ClientStore<Client = TestClient> + Cached,
{
    let short = ClientCache::new(16, Duration::from_millis(300));
    let (long, short, two) = (
        node(b, Some(LONG)).await,
        node(b, Some(short)).await,
        node(b, None).await,
    );
    two.save_client(named("app", "v1")).await.unwrap();
    assert_eq!(name_at(&long, "app").await.as_deref(), Some("v1"));
    assert_eq!(name_at(&short, "app").await.as_deref(), Some("v1"));
    two.delete_client("app").await.unwrap();
    assert_eq!(
        name_at(&long, "app").await.as_deref(),
        Some("v1"),
        "within the time to live, a node answers from its cache"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(name_at(&short, "app").await, None);
}

/// With the cache off (SQLite's and MySQL's default, or `ClientCache::off`), every lookup
/// reads the database: another node's delete is seen at once.
pub async fn off<B: Backend>(b: &B, cache: Option<ClientCache>)
where
    B::Store: ClientStore<Client = TestClient> + Cached,
{
    let (one, two) = (node(b, cache).await, node(b, None).await);
    two.save_client(named("app", "v1")).await.unwrap();
    assert_eq!(name_at(&one, "app").await.as_deref(), Some("v1"));
    two.delete_client("app").await.unwrap();
    assert_eq!(name_at(&one, "app").await, None);
}
