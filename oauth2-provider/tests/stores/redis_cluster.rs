//! The store conformance suite against a real three-primary Redis Cluster that the tests start
//! from the installed `redis-server` (one cluster shared by the tests running at a time, each
//! under a key prefix of its own); that every key of a grant family is in one hash slot, the
//! family's; and that revoking a grant while it is being rotated leaves no token of it.

use std::sync::{Arc, Weak};

use oauth2_provider::error::StoreError;
use oauth2_provider::model::{
    AccessKind, AuthorizationCode, CodeRecord, GrantId, NewCode, NewToken, RefreshKind, TokenHash,
    TokenModel, TokenRecord,
};
use oauth2_provider::scope::Scopes;
use oauth2_provider::secret::{generate_token, generate_token_for};
use oauth2_provider::store::testing::{self, Backend, RedisCluster, TestScope};
use oauth2_provider::store::{Exchange, RedisOptions, RedisStore, TokenStore};
use redis::aio::MultiplexedConnection;
use tokio::sync::Mutex;

use super::redis::dump_key;

/// The running cluster, while a test holds it; the last to finish stops it.
static CLUSTER: Mutex<Weak<RedisCluster>> = Mutex::const_new(Weak::new());

async fn shared_cluster(test: &str) -> Option<Arc<RedisCluster>> {
    let mut running = CLUSTER.lock().await;
    if let Some(cluster) = running.upgrade() {
        return Some(cluster);
    }
    let cluster = Arc::new(RedisCluster::start(test).await?);
    *running = Arc::downgrade(&cluster);
    Some(cluster)
}

struct Cluster {
    cluster: Arc<RedisCluster>,
    prefix: String,
    primaries: Vec<MultiplexedConnection>,
}

impl Cluster {
    /// Every key under the test's prefix, with the primary that holds it.
    async fn keys(&self) -> Vec<(MultiplexedConnection, Vec<u8>)> {
        let mut keys = Vec::new();
        for conn in &self.primaries {
            let mut conn = conn.clone();
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
                keys.extend(batch.into_iter().map(|key| (conn.clone(), key)));
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        keys
    }
}

impl Backend for Cluster {
    type Store = RedisStore<TestScope>;

    async fn node(&self) -> Arc<Self::Store> {
        let options = RedisOptions::new().prefix(&self.prefix);
        let store = RedisStore::cluster_with(&self.cluster.nodes(), options).await;
        Arc::new(store.unwrap())
    }

    /// Every key under the test's prefix on every primary, and every value in it.
    async fn dump(&self) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        for (mut conn, key) in self.keys().await {
            dump_key(&mut conn, &key, &mut bytes).await;
        }
        Some(bytes)
    }

    fn native_expiry(&self) -> bool {
        true
    }

    async fn cleanup(self) {
        // One key at a time: a multi-key DEL on a primary must stay within one slot.
        for (mut conn, key) in self.keys().await {
            let _: i64 = redis::cmd("DEL")
                .arg(key)
                .query_async(&mut conn)
                .await
                .unwrap();
        }
    }
}

async fn open(test: &str) -> Option<Cluster> {
    let cluster = shared_cluster(test).await?;
    let primaries = match cluster.primaries().await {
        Ok(primaries) => primaries,
        Err(why) => return testing::unavailable(test, why),
    };
    Some(Cluster {
        cluster,
        prefix: format!("oauth2_test:{}:", testing::unique_suffix()),
        primaries,
    })
}

oauth2_provider::store_conformance!(tokens, open);
oauth2_provider::store_conformance!(clients, open);
oauth2_provider::store_conformance!(state, open);
oauth2_provider::store_conformance!(keys, open);

fn new_token(grant: GrantId) -> NewToken<TestScope> {
    NewToken {
        token_hash: TokenHash::of(&generate_token_for(grant)),
        grant_id: grant,
        client_id: "app".to_owned(),
        subject: Some("alice".to_owned()),
        scope: TestScope::default_scope(),
        expires_at: Some(std::time::SystemTime::now() + std::time::Duration::from_secs(600)),
        extras: Default::default(),
    }
}

fn access(grant: GrantId) -> (TokenHash, TokenRecord<TestScope, AccessKind>) {
    let new = new_token(grant);
    (new.token_hash, TokenModel::new(new))
}

fn refresh(grant: GrantId) -> (TokenHash, TokenRecord<TestScope, RefreshKind>) {
    let new = new_token(grant);
    (new.token_hash, TokenModel::new(new))
}

/// A grant family's code, its tokens through an exchange and a rotation, and the grant's
/// index: every key in the slot of the family's tag, on one primary, so each script ran on one
/// slot; a revocation leaves none of them.
#[tokio::test]
async fn a_grant_family_lives_in_one_slot() {
    const TEST: &str = "stores::redis_cluster::a_grant_family_lives_in_one_slot";
    let Some(backend) = open(TEST).await else {
        return;
    };
    let store = backend.node().await;
    let grant = GrantId::generate();
    let code_hash = TokenHash::of(&generate_token_for(grant));
    let code = CodeRecord::<TestScope>::new(NewCode {
        code_hash,
        grant_id: grant,
        client_id: "app".to_owned(),
        subject: "alice".to_owned(),
        redirect_uri: None,
        scope: TestScope::default_scope(),
        challenge: None,
        expires_at: std::time::SystemTime::now() + std::time::Duration::from_secs(600),
        extras: Default::default(),
    });
    store.insert_code(code).await.unwrap();
    let (_, access1) = access(grant);
    let (r1, refresh1) = refresh(grant);
    let exchanged = store.exchange_code(&code_hash, access1, Some(refresh1));
    assert_eq!(exchanged.await.unwrap(), Exchange::Done);
    let (_, access2) = access(grant);
    let (_, refresh2) = refresh(grant);
    let rotated = store.rotate_refresh_token(&r1, access2, refresh2);
    assert_eq!(rotated.await.unwrap(), Exchange::Done);

    let keys = backend.keys().await;
    assert_eq!(
        keys.len(),
        6,
        "a code, two pairs of tokens and the grant's index"
    );
    let tag = format!("{{{}}}", grant.family().as_str());
    let mut first = keys[0].0.clone();
    let family_slot = slot(&mut first, tag.as_bytes()).await;
    let primary = node_id(&mut first).await;
    for (mut holder, key) in keys {
        let name = String::from_utf8_lossy(&key).into_owned();
        assert!(name.contains(&format!(":{tag}:")), "{name}");
        assert_eq!(slot(&mut holder, &key).await, family_slot, "{name}");
        assert_eq!(
            node_id(&mut holder).await,
            primary,
            "{name} is on another primary"
        );
    }
    // A token of another family is elsewhere, or nowhere: never found through this one's.
    let stranger = TokenHash::of(&generate_token());
    assert!(store.find_access_token(&stranger).await.unwrap().is_none());

    store.revoke_grant(grant).await.unwrap();
    assert!(backend.keys().await.is_empty(), "the revocation left keys");
    backend.cleanup().await;
}

/// A token whose tag is not its grant's would put one script over two slots: storing it is
/// refused, and nothing is written. A hash that names no family is simply not found.
#[tokio::test]
async fn a_token_outside_its_grant_s_family_is_refused() {
    const TEST: &str = "stores::redis_cluster::a_token_outside_its_grant_s_family_is_refused";
    let Some(backend) = open(TEST).await else {
        return;
    };
    let store = backend.node().await;
    let grant = GrantId::generate();
    let stranger = super::token_outside(grant);
    let record = TokenRecord::<TestScope, AccessKind>::of(NewToken {
        token_hash: TokenHash::of(&stranger),
        ..new_token(grant)
    });
    let refused = store.insert_tokens(record, None).await;
    assert!(matches!(refused, Err(StoreError::Other(_))), "{refused:?}");
    let (_, access) = access(grant);
    let untagged = TokenHash::from_bytes(*TokenHash::of(&stranger).as_bytes());
    let (_, successor) = refresh(grant);
    let exchanged = store.rotate_refresh_token(&untagged, access, successor);
    assert_eq!(exchanged.await.unwrap(), Exchange::Missing);
    assert!(store.find_access_token(&untagged).await.unwrap().is_none());
    assert!(!store.revoke_access_token(&untagged).await.unwrap());
    assert!(backend.keys().await.is_empty(), "a refused token left keys");
    backend.cleanup().await;
}

/// `CLUSTER KEYSLOT key`, asked of one primary.
async fn slot(conn: &mut MultiplexedConnection, key: &[u8]) -> u16 {
    redis::cmd("CLUSTER")
        .arg("KEYSLOT")
        .arg(key)
        .query_async(conn)
        .await
        .unwrap()
}

/// `CLUSTER MYID`: which primary `conn` is.
async fn node_id(conn: &mut MultiplexedConnection) -> String {
    redis::cmd("CLUSTER")
        .arg("MYID")
        .query_async(conn)
        .await
        .unwrap()
}

/// A rotation and a revocation of its grant, at once on two nodes, many times over: whichever
/// wins, no successor of a revoked grant is left, nor its first tokens.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revocation_during_rotation_leaves_nothing() {
    const TEST: &str = "stores::redis_cluster::revocation_during_rotation_leaves_nothing";
    let Some(backend) = open(TEST).await else {
        return;
    };
    let (one, two) = (backend.node().await, backend.node().await);
    let (mut done, mut missing) = (0, 0);
    for round in 0..40u64 {
        let grant = GrantId::generate();
        let (a0, access0) = access(grant);
        let (r0, refresh0) = refresh(grant);
        one.insert_tokens(access0, Some(refresh0)).await.unwrap();
        let (a1, access1) = access(grant);
        let (r1, refresh1) = refresh(grant);
        let rotate = {
            let one = Arc::clone(&one);
            tokio::spawn(async move { one.rotate_refresh_token(&r0, access1, refresh1).await })
        };
        let revoke = {
            let two = Arc::clone(&two);
            // A delay of 0–3 ms lets it land before as well as after the rotation (each one
            // script on the family's slot).
            let delay = std::time::Duration::from_micros(round % 4 * 1000);
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                two.revoke_grant(grant).await
            })
        };
        match rotate.await.unwrap().unwrap() {
            Exchange::Done => done += 1,
            Exchange::Missing => missing += 1,
            Exchange::AlreadyUsed => panic!("rotated once only"),
        }
        revoke.await.unwrap().unwrap();
        for hash in [a0, a1] {
            let found = two.find_access_token(&hash).await.unwrap();
            assert!(found.is_none(), "an access token of a revoked grant lives");
        }
        for hash in [r0, r1] {
            let found = one.find_refresh_token(&hash).await.unwrap();
            assert!(found.is_none(), "a refresh token of a revoked grant lives");
        }
    }
    println!("rotation won {done} times, the revocation first {missing} times");
    backend.cleanup().await;
}
