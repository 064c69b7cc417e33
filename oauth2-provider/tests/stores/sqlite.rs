//! The store conformance suite against SQLite, each test in a temporary file of its own; and
//! what only a file can show: data survives closing and reopening it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use oauth2_provider::model::{
    AccessKind, CodeRecord, Extras, NewCode, NewToken, RefreshKind, TokenModel, TokenRecord,
};
use oauth2_provider::model::{GrantId, TokenHash};
use oauth2_provider::scope::Scopes;
use oauth2_provider::secret::generate_token;
use oauth2_provider::store::testing::{Backend, TestScope};
use oauth2_provider::store::{ClientStore, Exchange, SqliteStore, TokenStore};

use super::client;
use tempfile::TempDir;

/// A temporary database file; every node is a pool of its own on it, as another process's.
struct Sqlite {
    dir: TempDir,
    first: SqliteStore<TestScope>,
}

impl Sqlite {
    fn path(&self) -> PathBuf {
        self.dir.path().join("oauth.db")
    }
}

impl Backend for Sqlite {
    type Store = SqliteStore<TestScope>;

    async fn node(&self) -> Arc<Self::Store> {
        Arc::new(SqliteStore::open(self.path()).await.unwrap())
    }

    /// The database file and its write-ahead log, byte for byte: what a stolen disk holds.
    async fn dump(&self) -> Option<Vec<u8>> {
        let mut bytes = std::fs::read(self.path()).unwrap();
        let wal = self.dir.path().join("oauth.db-wal");
        if wal.exists() {
            bytes.extend(std::fs::read(wal).unwrap());
        }
        Some(bytes)
    }

    fn native_expiry(&self) -> bool {
        false
    }

    async fn cleanup(self) {
        self.first.close().await;
    }
}

async fn open(_test: &str) -> Option<Sqlite> {
    let dir = tempfile::tempdir().unwrap();
    // Created (and migrated) once up front, so nodes opened later find the schema in place.
    let first = SqliteStore::open(dir.path().join("oauth.db"))
        .await
        .unwrap();
    Some(Sqlite { dir, first })
}

oauth2_provider::store_conformance!(tokens, open);
oauth2_provider::store_conformance!(clients, open);
oauth2_provider::store_conformance!(state, open);
oauth2_provider::store_conformance!(keys, open);

/// Everything stored, a code's use included, is there after the file is closed and reopened.
#[tokio::test]
async fn survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oauth.db");
    let grant = GrantId::generate();
    let code = TokenHash::of(&generate_token());
    let token = |expires_at| NewToken {
        token_hash: TokenHash::of(&generate_token()),
        grant_id: grant,
        client_id: "app".to_owned(),
        subject: Some("alice".to_owned()),
        scope: TestScope::default_scope(),
        expires_at,
        extras: Default::default(),
    };
    let (access, refresh) = (token(None), token(None));
    {
        let store: SqliteStore<TestScope> = SqliteStore::open(&path).await.unwrap();
        store.save_client(client("app")).await.unwrap();
        store
            .insert_code(CodeRecord(NewCode {
                code_hash: code,
                grant_id: grant,
                client_id: "app".to_owned(),
                subject: "alice".to_owned(),
                redirect_uri: None,
                scope: TestScope::default_scope(),
                challenge: None,
                expires_at: SystemTime::now() + Duration::from_secs(600),
                extras: Default::default(),
            }))
            .await
            .unwrap();
        let outcome = store
            .exchange_code(
                &code,
                TokenRecord::<_, AccessKind>::of(access.clone()),
                Some(TokenRecord::<_, RefreshKind>::of(refresh.clone())),
            )
            .await
            .unwrap();
        assert_eq!(outcome, Exchange::Done);
        store.close().await;
    }

    let store: SqliteStore<TestScope> = SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        *store.find_client("app").await.unwrap().unwrap(),
        client("app")
    );
    assert!(
        store
            .find_access_token(&access.token_hash)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .find_refresh_token(&refresh.token_hash)
            .await
            .unwrap()
            .is_some()
    );
    let replay = store
        .exchange_code(&code, TokenRecord::<_, AccessKind>::of(token(None)), None)
        .await
        .unwrap();
    assert_eq!(replay, Exchange::AlreadyUsed, "the code's use survived too");
    store.close().await;
}

/// A user's own record type, with a field the store does not know: it is rebuilt through
/// `new`, which fills the extra field with its default.
struct AuditedAccess {
    token: NewToken<TestScope>,
    audit_note: String,
}

impl TokenModel<AccessKind> for AuditedAccess {
    type Scope = TestScope;
    fn new(token: NewToken<TestScope>) -> Self {
        AuditedAccess {
            token,
            audit_note: String::new(),
        }
    }
    fn token_hash(&self) -> &TokenHash {
        &self.token.token_hash
    }
    fn grant_id(&self) -> GrantId {
        self.token.grant_id
    }
    fn client_id(&self) -> &str {
        &self.token.client_id
    }
    fn subject(&self) -> Option<&str> {
        self.token.subject.as_deref()
    }
    fn scope(&self) -> TestScope {
        self.token.scope
    }
    fn expires_at(&self) -> Option<SystemTime> {
        self.token.expires_at
    }
    fn extras(&self) -> &Extras {
        &self.token.extras
    }
}

#[tokio::test]
async fn user_record_types() {
    let dir = tempfile::tempdir().unwrap();
    let store: SqliteStore<TestScope, CodeRecord<TestScope>, AuditedAccess> =
        SqliteStore::open(dir.path().join("oauth.db"))
            .await
            .unwrap();
    let mut access = AuditedAccess::new(NewToken {
        token_hash: TokenHash::of(&generate_token()),
        grant_id: GrantId::generate(),
        client_id: "app".to_owned(),
        subject: None,
        scope: TestScope::default_scope(),
        expires_at: None,
        extras: Default::default(),
    });
    access.audit_note = "not stored".to_owned();
    let hash = *access.token_hash();
    store.insert_tokens(access, None).await.unwrap();
    let found = store.find_access_token(&hash).await.unwrap().unwrap();
    assert_eq!(found.client_id(), "app");
    assert_eq!(found.audit_note, "");
    store.close().await;
}

/// The background purge deletes expired records on its own, and stops when told to.
#[tokio::test]
async fn background_purge() {
    let dir = tempfile::tempdir().unwrap();
    let store: SqliteStore<TestScope> = SqliteStore::open(dir.path().join("oauth.db"))
        .await
        .unwrap();
    let expired = || NewToken {
        token_hash: TokenHash::of(&generate_token()),
        grant_id: GrantId::generate(),
        client_id: "app".to_owned(),
        subject: None,
        scope: TestScope::empty(),
        expires_at: Some(SystemTime::now() - Duration::from_secs(1)),
        extras: Default::default(),
    };
    let first = expired();
    store
        .insert_tokens(TokenRecord::<_, AccessKind>::of(first.clone()), None)
        .await
        .unwrap();

    let purge = store.spawn_purge(Duration::from_millis(50));
    let started = Instant::now();
    while purge.purged() == 0 {
        assert!(started.elapsed() < Duration::from_secs(5), "no purge ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        store
            .find_access_token(&first.token_hash)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(purge.failures(), 0);
    purge.stop();

    let second = expired();
    store
        .insert_tokens(TokenRecord::<_, AccessKind>::of(second.clone()), None)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        store
            .find_access_token(&second.token_hash)
            .await
            .unwrap()
            .is_some(),
        "a stopped purge purged"
    );
    store.close().await;
}

/// `:memory:` is one database however many operations run at once (each SQLite connection to
/// `:memory:` would open its own), and a `sqlite:` URL is refused rather than taken for a file
/// name.
#[tokio::test]
async fn in_memory_is_one_database() {
    for store in [
        SqliteStore::<TestScope>::in_memory().await.unwrap(),
        SqliteStore::<TestScope>::open(":memory:").await.unwrap(),
    ] {
        let store = Arc::new(store);
        let writers: Vec<_> = (0..8)
            .map(|i| {
                let store = Arc::clone(&store);
                tokio::spawn(async move { store.save_client(client(&format!("app{i}"))).await })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap().unwrap();
        }
        for i in 0..8 {
            let found = store.find_client(&format!("app{i}")).await.unwrap();
            assert!(found.is_some(), "app{i} went to another database");
        }
    }
    for url in ["sqlite::memory:", "sqlite:oauth.db", "sqlite://oauth.db"] {
        let refused = SqliteStore::<TestScope>::open(url).await;
        assert!(refused.is_err(), "{url} was opened as a file");
        assert!(!std::path::Path::new(url).exists());
    }
}

/// The client cache (`ClientCache`): off by default; turned on, stale until its time to live.
#[tokio::test]
async fn client_cache() {
    use super::client_cache as cache;
    let b = open("client_cache").await.unwrap();
    cache::off(&b, None).await;
    cache::own_changes_and_unknown_ids(&b, Some(cache::LONG)).await;
    cache::until_the_ttl(&b).await;
}
