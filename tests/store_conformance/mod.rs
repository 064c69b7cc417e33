//! One conformance suite for every store, written once against the `Store` and `ClientAdmin`
//! traits: memory, SQLite, PostgreSQL and Redis each run all of it (`tests/store_*.rs`).
//!
//! A test file supplies a [`Backend`] (a way to open nodes of a store over one test's own data,
//! and to read back everything stored) and invokes [`conformance_tests!`], which generates one
//! `#[tokio::test]` per case. Records are built through the model traits' `new`, so the suite
//! holds for any record types, not only the ready-made ones.
#![allow(dead_code)] // a test file may use only part of the harness

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use oauth2_provider::model::{AuthorizationCode, ClientRecord, NewCode, NewToken, TokenModel};
use oauth2_provider::model::{GrantId, TokenHash};
use oauth2_provider::pkce::{ChallengeMethod, PkceChallenge};
use oauth2_provider::scope::{ScopeDef, Scopes};
use oauth2_provider::secret::{generate_token, hash_secret};
use oauth2_provider::store::{ClientAdmin, Exchange, Store};

// ---------------------------------------------------------------------------------------------
// The scope type, by hand.

/// `read`, `write`, `user:email`, and the combination `read_write`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TestScope(u8);

impl Scopes for TestScope {
    type Bits = u8;
    const DEFS: &'static [ScopeDef<u8>] = &[
        ScopeDef::single("read", 1 << 0),
        ScopeDef::single("write", 1 << 1),
        ScopeDef::single("user:email", 1 << 2),
        ScopeDef::combined("read_write", (1 << 0) | (1 << 1)),
    ];
    const DEFAULT: u8 = 1 << 0;

    fn from_bits_retain(bits: u8) -> Self {
        TestScope(bits)
    }

    fn bits(&self) -> u8 {
        self.0
    }
}

fn scope(s: &str) -> TestScope {
    TestScope::parse(s).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The backend a test file supplies.

/// A store under test, over data of this test's own (a temp file, a schema, a key prefix).
pub trait Backend: Send + Sync + Sized + 'static {
    /// The store, with the ready-made client record and the test scope.
    type Store: ClientAdmin<Scope = TestScope, Client = ClientRecord<TestScope>>;

    /// A node: a store with its own connections to the same data, as another provider process
    /// would have. The memory store, being one process, hands out itself.
    fn node(&self) -> impl Future<Output = Arc<Self::Store>> + Send;

    /// Every byte the backend holds for this test, to check that no raw token is among them;
    /// `None` when nothing is at rest (memory).
    fn dump(&self) -> impl Future<Output = Option<Vec<u8>>> + Send;

    /// `true` when expired records vanish by themselves and `purge_expired` has nothing to do.
    fn native_expiry(&self) -> bool;

    /// Removes what the test stored.
    fn cleanup(self) -> impl Future<Output = ()> + Send;
}

/// One `#[tokio::test]` per case for the backend that `$open(test_name)` opens (an
/// `async fn(&str) -> Option<B>`, `None` when the backend's service is missing and the test
/// was reported skipped).
macro_rules! conformance_tests {
    ($open:path) => {
        $crate::store_conformance::conformance_tests!(@cases $open;
            clients,
            codes,
            exchange_code,
            tokens,
            rotate_refresh_token,
            revoke_access_token,
            revoke_grant,
            purge_expired,
            expiry,
            hashed_at_rest,
            concurrent_exchange,
            concurrent_rotation,
            nodes_share_state,
        );
    };
    (@cases $open:path; $($case:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let test = concat!(module_path!(), "::", stringify!($case));
                let Some(backend) = $open(test).await else { return };
                $crate::store_conformance::$case(&backend).await;
                $crate::store_conformance::Backend::cleanup(backend).await;
            }
        )*
    };
}
pub(crate) use conformance_tests;

// ---------------------------------------------------------------------------------------------
// Records.

/// Now, to the second: every store keeps at least microseconds, so records compare exactly.
fn now() -> SystemTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn later(secs: u64) -> SystemTime {
    now() + Duration::from_secs(secs)
}

fn earlier(secs: u64) -> SystemTime {
    now() - Duration::from_secs(secs)
}

pub fn client(id: &str, secret: Option<&str>) -> ClientRecord<TestScope> {
    ClientRecord {
        client_id: id.to_owned(),
        secret_hash: secret.map(hash_secret),
        redirect_uris: vec![
            format!("https://{id}.example/cb"),
            "http://127.0.0.1:8080/cb?x=1".to_owned(),
        ],
        grant_types: vec!["authorization_code".to_owned(), "refresh_token".to_owned()],
        scope: scope("read write user:email"),
        name: format!("Bé {id} — ✓"),
    }
}

fn new_code(grant_id: GrantId, expires_at: SystemTime) -> NewCode<TestScope> {
    NewCode {
        code_hash: TokenHash::of(&generate_token()),
        grant_id,
        client_id: "app".to_owned(),
        subject: "alice".to_owned(),
        redirect_uri: Some("https://app.example/cb".to_owned()),
        scope: scope("read user:email"),
        challenge: PkceChallenge::new(
            ChallengeMethod::S256,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        ),
        expires_at,
    }
}

fn new_token(grant_id: GrantId, expires_at: Option<SystemTime>) -> NewToken<TestScope> {
    NewToken {
        token_hash: TokenHash::of(&generate_token()),
        grant_id,
        client_id: "app".to_owned(),
        subject: Some("alice".to_owned()),
        scope: scope("read"),
        expires_at,
    }
}

type CodeOf<B> = <<B as Backend>::Store as Store>::Code;
type AccessOf<B> = <<B as Backend>::Store as Store>::AccessToken;
type RefreshOf<B> = <<B as Backend>::Store as Store>::RefreshToken;

/// A code for `grant_id` expiring in ten minutes.
fn make_code<B: Backend>(grant_id: GrantId) -> (TokenHash, CodeOf<B>) {
    let new = new_code(grant_id, later(600));
    (new.code_hash, CodeOf::<B>::new(new))
}

/// An access token for `grant_id` expiring in an hour.
fn make_access<B: Backend>(grant_id: GrantId) -> (TokenHash, AccessOf<B>) {
    let new = new_token(grant_id, Some(later(3600)));
    (new.token_hash, AccessOf::<B>::new(new))
}

/// A refresh token for `grant_id` expiring in a day.
fn make_refresh<B: Backend>(grant_id: GrantId) -> (TokenHash, RefreshOf<B>) {
    let new = new_token(grant_id, Some(later(86_400)));
    (new.token_hash, RefreshOf::<B>::new(new))
}

fn assert_code<K: AuthorizationCode<Scope = TestScope>>(found: &K, expected: &NewCode<TestScope>) {
    assert_eq!(found.code_hash(), &expected.code_hash);
    assert_eq!(found.grant_id(), expected.grant_id);
    assert_eq!(found.client_id(), expected.client_id);
    assert_eq!(found.subject(), expected.subject);
    assert_eq!(found.redirect_uri(), expected.redirect_uri.as_deref());
    assert_eq!(found.scope(), expected.scope);
    assert_eq!(found.challenge(), expected.challenge.as_ref());
    assert_eq!(found.expires_at(), expected.expires_at);
}

macro_rules! assert_token {
    ($found:expr, $expected:expr) => {{
        let (found, expected) = (&$found, &$expected);
        assert_eq!(found.token_hash(), &expected.token_hash);
        assert_eq!(found.grant_id(), expected.grant_id);
        assert_eq!(found.client_id(), expected.client_id);
        assert_eq!(found.subject(), expected.subject.as_deref());
        assert_eq!(found.scope(), expected.scope);
        assert_eq!(found.expires_at(), expected.expires_at);
    }};
}

async fn has_access<S: Store>(store: &S, hash: &TokenHash) -> bool {
    store.find_access_token(hash).await.unwrap().is_some()
}

async fn has_refresh<S: Store>(store: &S, hash: &TokenHash) -> bool {
    store.find_refresh_token(hash).await.unwrap().is_some()
}

async fn has_code<S: Store>(store: &S, hash: &TokenHash) -> bool {
    store.find_code(hash).await.unwrap().is_some()
}

// ---------------------------------------------------------------------------------------------
// The cases.

/// Clients: save, find, replace, list in byte order of id, delete.
pub async fn clients<B: Backend>(b: &B) {
    let store = b.node().await;
    assert!(store.list_clients().await.unwrap().is_empty());
    assert!(store.find_client("b-app").await.unwrap().is_none());

    let confidential = client("b-app", Some("s3cret"));
    store.save_client(confidential.clone()).await.unwrap();
    store.save_client(client("a-app", None)).await.unwrap();
    store.save_client(client("Z-app", None)).await.unwrap();
    assert_eq!(
        *store.find_client("b-app").await.unwrap().unwrap(),
        confidential
    );

    // Uppercase sorts first in byte order, unlike most collations.
    let ids: Vec<String> = store
        .list_clients()
        .await
        .unwrap()
        .iter()
        .map(|c| c.client_id.clone())
        .collect();
    assert_eq!(ids, ["Z-app", "a-app", "b-app"]);

    // Replacing drops what the new record lacks: here, the secret.
    let public = ClientRecord {
        secret_hash: None,
        redirect_uris: vec!["https://new.example/cb".to_owned()],
        grant_types: vec![],
        scope: TestScope::empty(),
        ..confidential
    };
    store.save_client(public.clone()).await.unwrap();
    assert_eq!(*store.find_client("b-app").await.unwrap().unwrap(), public);
    assert_eq!(store.list_clients().await.unwrap().len(), 3);

    assert!(store.delete_client("a-app").await.unwrap());
    assert!(!store.delete_client("a-app").await.unwrap());
    assert!(store.find_client("a-app").await.unwrap().is_none());
    let ids: Vec<String> = store
        .list_clients()
        .await
        .unwrap()
        .iter()
        .map(|c| c.client_id.clone())
        .collect();
    assert_eq!(ids, ["Z-app", "b-app"]);
}

/// Codes come back field for field, with and without the optional parts.
pub async fn codes<B: Backend>(b: &B) {
    let store = b.node().await;
    let full = new_code(GrantId::generate(), later(600));
    store
        .insert_code(CodeOf::<B>::new(full.clone()))
        .await
        .unwrap();
    assert_code(
        &*store.find_code(&full.code_hash).await.unwrap().unwrap(),
        &full,
    );

    let bare = NewCode {
        redirect_uri: None,
        challenge: None,
        scope: TestScope::empty(),
        ..new_code(GrantId::generate(), later(60))
    };
    store
        .insert_code(CodeOf::<B>::new(bare.clone()))
        .await
        .unwrap();
    assert_code(
        &*store.find_code(&bare.code_hash).await.unwrap().unwrap(),
        &bare,
    );

    let plain = NewCode {
        challenge: PkceChallenge::new(ChallengeMethod::Plain, &"v".repeat(43)),
        ..new_code(GrantId::generate(), later(60))
    };
    store
        .insert_code(CodeOf::<B>::new(plain.clone()))
        .await
        .unwrap();
    assert_code(
        &*store.find_code(&plain.code_hash).await.unwrap().unwrap(),
        &plain,
    );

    assert!(!has_code(&*store, &TokenHash::of("never issued")).await);
}

/// A code is exchanged once: Done, then AlreadyUsed (storing nothing), Missing if unknown.
pub async fn exchange_code<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let (code_hash, code) = make_code::<B>(grant);
    store.insert_code(code).await.unwrap();

    let a1 = new_token(grant, Some(later(3600)));
    let r1 = new_token(grant, Some(later(86_400)));
    let outcome = store
        .exchange_code(
            &code_hash,
            AccessOf::<B>::new(a1.clone()),
            Some(RefreshOf::<B>::new(r1.clone())),
        )
        .await
        .unwrap();
    assert_eq!(outcome, Exchange::Done);
    assert_token!(
        *store
            .find_access_token(&a1.token_hash)
            .await
            .unwrap()
            .unwrap(),
        a1
    );
    let stored = store
        .find_refresh_token(&r1.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_token!(*stored.record, r1);
    assert!(!stored.consumed);
    // A used code stays findable, so its replay is recognised as one.
    assert!(has_code(&*store, &code_hash).await);

    let (a2, access2) = make_access::<B>(grant);
    let (r2, refresh2) = make_refresh::<B>(grant);
    let replay = store
        .exchange_code(&code_hash, access2, Some(refresh2))
        .await
        .unwrap();
    assert_eq!(replay, Exchange::AlreadyUsed);
    assert!(!has_access(&*store, &a2).await);
    assert!(!has_refresh(&*store, &r2).await);

    let (a3, access3) = make_access::<B>(grant);
    let missing = store
        .exchange_code(&TokenHash::of("never issued"), access3, None)
        .await
        .unwrap();
    assert_eq!(missing, Exchange::Missing);
    assert!(!has_access(&*store, &a3).await);

    // Without a refresh token.
    let grant = GrantId::generate();
    let (code_hash, code) = make_code::<B>(grant);
    store.insert_code(code).await.unwrap();
    let (a4, access4) = make_access::<B>(grant);
    assert_eq!(
        store
            .exchange_code(&code_hash, access4, None)
            .await
            .unwrap(),
        Exchange::Done
    );
    assert!(has_access(&*store, &a4).await);
}

/// Tokens issued without consuming anything, including a client's own token (no subject) and
/// a refresh token that never expires.
pub async fn tokens<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let a = NewToken {
        subject: None,
        scope: scope("read write"),
        ..new_token(grant, Some(later(3600)))
    };
    let r = new_token(grant, None);
    store
        .insert_tokens(
            AccessOf::<B>::new(a.clone()),
            Some(RefreshOf::<B>::new(r.clone())),
        )
        .await
        .unwrap();
    assert_token!(
        *store
            .find_access_token(&a.token_hash)
            .await
            .unwrap()
            .unwrap(),
        a
    );
    let stored = store
        .find_refresh_token(&r.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_token!(*stored.record, r);
    assert!(!stored.consumed);

    let (alone, access_alone) = make_access::<B>(GrantId::generate());
    store.insert_tokens(access_alone, None).await.unwrap();
    assert!(has_access(&*store, &alone).await);

    assert!(!has_access(&*store, &TokenHash::of("never issued")).await);
    assert!(!has_refresh(&*store, &TokenHash::of("never issued")).await);
}

/// A refresh token rotates once; the rotated one stays, marked consumed.
pub async fn rotate_refresh_token<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let (_, a0) = make_access::<B>(grant);
    let (r0, refresh0) = make_refresh::<B>(grant);
    store.insert_tokens(a0, Some(refresh0)).await.unwrap();

    let (a1, access1) = make_access::<B>(grant);
    let r1 = new_token(grant, Some(later(86_400)));
    let outcome = store
        .rotate_refresh_token(&r0, access1, RefreshOf::<B>::new(r1.clone()))
        .await
        .unwrap();
    assert_eq!(outcome, Exchange::Done);
    assert!(
        store
            .find_refresh_token(&r0)
            .await
            .unwrap()
            .unwrap()
            .consumed
    );
    let next = store
        .find_refresh_token(&r1.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_token!(*next.record, r1);
    assert!(!next.consumed);
    assert!(has_access(&*store, &a1).await);

    let (a2, access2) = make_access::<B>(grant);
    let (r2, refresh2) = make_refresh::<B>(grant);
    let replay = store
        .rotate_refresh_token(&r0, access2, refresh2)
        .await
        .unwrap();
    assert_eq!(replay, Exchange::AlreadyUsed);
    assert!(!has_access(&*store, &a2).await);
    assert!(!has_refresh(&*store, &r2).await);

    let (_, access3) = make_access::<B>(grant);
    let (r3, refresh3) = make_refresh::<B>(grant);
    let missing = store
        .rotate_refresh_token(&TokenHash::of("never issued"), access3, refresh3)
        .await
        .unwrap();
    assert_eq!(missing, Exchange::Missing);
    assert!(!has_refresh(&*store, &r3).await);

    // The successor rotates in turn.
    let (_, access4) = make_access::<B>(grant);
    let (_, refresh4) = make_refresh::<B>(grant);
    assert_eq!(
        store
            .rotate_refresh_token(&r1.token_hash, access4, refresh4)
            .await
            .unwrap(),
        Exchange::Done
    );
}

/// One access token goes; the rest of its grant stays.
pub async fn revoke_access_token<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let (a, access) = make_access::<B>(grant);
    let (other, other_access) = make_access::<B>(grant);
    let (r, refresh) = make_refresh::<B>(grant);
    store.insert_tokens(access, Some(refresh)).await.unwrap();
    store.insert_tokens(other_access, None).await.unwrap();

    assert!(store.revoke_access_token(&a).await.unwrap());
    assert!(!has_access(&*store, &a).await);
    assert!(!store.revoke_access_token(&a).await.unwrap());
    assert!(
        !store
            .revoke_access_token(&TokenHash::of("never issued"))
            .await
            .unwrap()
    );
    assert!(has_access(&*store, &other).await);
    assert!(has_refresh(&*store, &r).await);

    // The grant can still be revoked whole afterwards.
    store.revoke_grant(grant).await.unwrap();
    assert!(!has_access(&*store, &other).await);
    assert!(!has_refresh(&*store, &r).await);
}

/// Revoking a grant removes its code and every token issued from it, through rotations, and
/// nothing of any other grant.
pub async fn revoke_grant<B: Backend>(b: &B) {
    let store = b.node().await;

    // Grant A: code -> tokens -> rotated tokens.
    let grant_a = GrantId::generate();
    let (code_a, code) = make_code::<B>(grant_a);
    store.insert_code(code).await.unwrap();
    let (a1, access1) = make_access::<B>(grant_a);
    let (r1, refresh1) = make_refresh::<B>(grant_a);
    store
        .exchange_code(&code_a, access1, Some(refresh1))
        .await
        .unwrap();
    let (a2, access2) = make_access::<B>(grant_a);
    let (r2, refresh2) = make_refresh::<B>(grant_a);
    store
        .rotate_refresh_token(&r1, access2, refresh2)
        .await
        .unwrap();

    // Grant B: the same shape, untouched.
    let grant_b = GrantId::generate();
    let (code_b, code) = make_code::<B>(grant_b);
    store.insert_code(code).await.unwrap();
    let (b1, access_b) = make_access::<B>(grant_b);
    let (rb, refresh_b) = make_refresh::<B>(grant_b);
    store
        .exchange_code(&code_b, access_b, Some(refresh_b))
        .await
        .unwrap();

    store.revoke_grant(grant_a).await.unwrap();
    assert!(!has_code(&*store, &code_a).await);
    for hash in [&a1, &a2] {
        assert!(!has_access(&*store, hash).await);
    }
    for hash in [&r1, &r2] {
        assert!(!has_refresh(&*store, hash).await);
    }
    assert!(has_code(&*store, &code_b).await);
    assert!(has_access(&*store, &b1).await);
    assert!(has_refresh(&*store, &rb).await);

    // Nothing of a revoked grant can be consumed any more.
    let (_, access3) = make_access::<B>(grant_a);
    assert_eq!(
        store.exchange_code(&code_a, access3, None).await.unwrap(),
        Exchange::Missing
    );
    let (_, access4) = make_access::<B>(grant_a);
    let (r4, refresh4) = make_refresh::<B>(grant_a);
    assert_eq!(
        store
            .rotate_refresh_token(&r2, access4, refresh4)
            .await
            .unwrap(),
        Exchange::Missing
    );
    assert!(!has_refresh(&*store, &r4).await);

    // Revoking again, or a grant never issued, is fine.
    store.revoke_grant(grant_a).await.unwrap();
    store.revoke_grant(GrantId::generate()).await.unwrap();
}

/// `purge_expired` deletes what expired (used or not) and keeps the rest.
pub async fn purge_expired<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();

    let dead_code = new_code(grant, earlier(10));
    let dead_used_code = new_code(grant, earlier(10));
    let dead_access = new_token(grant, Some(earlier(10)));
    let dead_refresh = new_token(grant, Some(earlier(10)));
    let live_code = new_code(grant, later(600));
    let live_access = new_token(grant, Some(later(600)));
    let live_refresh = new_token(grant, Some(later(600)));
    let forever_refresh = new_token(grant, None);

    for code in [&dead_code, &dead_used_code, &live_code] {
        store
            .insert_code(CodeOf::<B>::new(code.clone()))
            .await
            .unwrap();
    }
    // Used codes are purged like the others (memory, SQL); Redis has dropped this one already.
    let (_, spent) = make_access::<B>(grant);
    store
        .exchange_code(&dead_used_code.code_hash, spent, None)
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(dead_access.clone()),
            Some(RefreshOf::<B>::new(dead_refresh.clone())),
        )
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(live_access.clone()),
            Some(RefreshOf::<B>::new(live_refresh.clone())),
        )
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(new_token(grant, Some(later(600)))),
            Some(RefreshOf::<B>::new(forever_refresh.clone())),
        )
        .await
        .unwrap();

    let purged = store.purge_expired(SystemTime::now()).await.unwrap();
    if !b.native_expiry() {
        assert_eq!(purged, 4, "two codes, an access token and a refresh token");
        assert_eq!(store.purge_expired(SystemTime::now()).await.unwrap(), 0);
    }
    assert!(!has_code(&*store, &dead_code.code_hash).await);
    assert!(!has_code(&*store, &dead_used_code.code_hash).await);
    assert!(!has_access(&*store, &dead_access.token_hash).await);
    assert!(!has_refresh(&*store, &dead_refresh.token_hash).await);
    assert!(has_code(&*store, &live_code.code_hash).await);
    assert!(has_access(&*store, &live_access.token_hash).await);
    assert!(has_refresh(&*store, &live_refresh.token_hash).await);
    assert!(has_refresh(&*store, &forever_refresh.token_hash).await);
}

/// Records go when they expire: by themselves (Redis), or at the first purge after (SQL,
/// memory), which takes its notion of now from the caller. A token without expiry stays.
pub async fn expiry<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let soon = SystemTime::now() + Duration::from_millis(1500);
    let code = NewCode {
        expires_at: soon,
        ..new_code(grant, soon)
    };
    let access = new_token(grant, Some(soon));
    let refresh = new_token(grant, Some(soon));
    let forever = new_token(grant, None);
    store
        .insert_code(CodeOf::<B>::new(code.clone()))
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(access.clone()),
            Some(RefreshOf::<B>::new(refresh.clone())),
        )
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(new_token(grant, None)),
            Some(RefreshOf::<B>::new(forever.clone())),
        )
        .await
        .unwrap();
    assert!(has_code(&*store, &code.code_hash).await);
    assert!(has_access(&*store, &access.token_hash).await);
    assert!(has_refresh(&*store, &refresh.token_hash).await);

    if b.native_expiry() {
        tokio::time::sleep(Duration::from_millis(2500)).await;
    } else {
        let purged = store
            .purge_expired(soon + Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(purged, 3);
    }
    assert!(!has_code(&*store, &code.code_hash).await);
    assert!(!has_access(&*store, &access.token_hash).await);
    assert!(!has_refresh(&*store, &refresh.token_hash).await);
    assert!(has_refresh(&*store, &forever.token_hash).await);
}

/// No raw code, token or client secret reaches the backend, in any common encoding; their
/// hashes do (which shows the dump sees the data).
pub async fn hashed_at_rest<B: Backend>(b: &B) {
    let store = b.node().await;
    let secret = generate_token();
    store
        .save_client(client("app", Some(&secret)))
        .await
        .unwrap();

    let grant = GrantId::generate();
    let raw: Vec<String> = (0..5).map(|_| generate_token()).collect();
    let [code, a1, r1, a2, r2] = [0, 1, 2, 3, 4].map(|i| TokenHash::of(&raw[i]));
    store
        .insert_code(CodeOf::<B>::new(NewCode {
            code_hash: code,
            ..new_code(grant, later(600))
        }))
        .await
        .unwrap();
    let token = |hash: TokenHash| NewToken {
        token_hash: hash,
        ..new_token(grant, Some(later(3600)))
    };
    store
        .exchange_code(
            &code,
            AccessOf::<B>::new(token(a1)),
            Some(RefreshOf::<B>::new(token(r1))),
        )
        .await
        .unwrap();
    store
        .rotate_refresh_token(
            &r1,
            AccessOf::<B>::new(token(a2)),
            RefreshOf::<B>::new(token(r2)),
        )
        .await
        .unwrap();

    let Some(dump) = b.dump().await else {
        eprintln!(
            "note: this backend keeps nothing at rest; the hashing check has nothing to read"
        );
        return;
    };
    for (i, token) in raw.iter().chain([&secret]).enumerate() {
        for needle in encodings(token.as_bytes())
            .into_iter()
            .chain(encodings(&URL_SAFE_NO_PAD.decode(token).unwrap()))
        {
            assert!(
                !contains(&dump, &needle),
                "raw secret #{i} found at rest as {:?}",
                String::from_utf8_lossy(&needle)
            );
        }
        if i < raw.len() {
            let hash = TokenHash::of(token);
            assert!(
                encodings(hash.as_bytes())
                    .iter()
                    .any(|needle| contains(&dump, needle)),
                "the hash of token #{i} is not in the dump: the dump misses the data"
            );
        }
    }
}

/// Bytes and their lower- and upper-case hex, standard and URL-safe base64.
fn encodings(bytes: &[u8]) -> Vec<Vec<u8>> {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        bytes.to_vec(),
        hex.clone().into_bytes(),
        hex.to_uppercase().into_bytes(),
        STANDARD
            .encode(bytes)
            .trim_end_matches('=')
            .as_bytes()
            .to_vec(),
        URL_SAFE_NO_PAD.encode(bytes).into_bytes(),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

const RACERS: usize = 50;

/// 50 concurrent exchanges of one code, over two nodes: exactly one wins, and only the
/// winner's tokens exist.
pub async fn concurrent_exchange<B: Backend>(b: &B) {
    let nodes = [b.node().await, b.node().await];
    let grant = GrantId::generate();
    let (code_hash, code) = make_code::<B>(grant);
    nodes[0].insert_code(code).await.unwrap();

    let start = Arc::new(tokio::sync::Barrier::new(RACERS));
    let racers: Vec<_> = (0..RACERS)
        .map(|i| {
            let store = Arc::clone(&nodes[i % 2]);
            let start = Arc::clone(&start);
            let (a, access) = make_access::<B>(grant);
            let (r, refresh) = make_refresh::<B>(grant);
            tokio::spawn(async move {
                start.wait().await;
                let outcome = store
                    .exchange_code(&code_hash, access, Some(refresh))
                    .await
                    .unwrap();
                (outcome, a, r)
            })
        })
        .collect();
    let mut done = Vec::new();
    let mut already_used = 0;
    let mut losers = Vec::new();
    for racer in racers {
        let (outcome, a, r) = racer.await.unwrap();
        match outcome {
            Exchange::Done => done.push((a, r)),
            Exchange::AlreadyUsed => {
                already_used += 1;
                losers.push((a, r));
            }
            Exchange::Missing => panic!("the code went missing"),
        }
    }
    assert_eq!(done.len(), 1, "exactly one exchange wins");
    assert_eq!(already_used, RACERS - 1);
    let (a, r) = &done[0];
    assert!(has_access(&*nodes[1], a).await);
    assert!(has_refresh(&*nodes[1], r).await);
    for (a, r) in &losers {
        assert!(!has_access(&*nodes[0], a).await);
        assert!(!has_refresh(&*nodes[0], r).await);
    }
}

/// 50 concurrent rotations of one refresh token, over two nodes: exactly one wins.
pub async fn concurrent_rotation<B: Backend>(b: &B) {
    let nodes = [b.node().await, b.node().await];
    let grant = GrantId::generate();
    let (_, a0) = make_access::<B>(grant);
    let (r0, refresh0) = make_refresh::<B>(grant);
    nodes[0].insert_tokens(a0, Some(refresh0)).await.unwrap();

    let start = Arc::new(tokio::sync::Barrier::new(RACERS));
    let racers: Vec<_> = (0..RACERS)
        .map(|i| {
            let store = Arc::clone(&nodes[i % 2]);
            let start = Arc::clone(&start);
            let (_, access) = make_access::<B>(grant);
            let (r, refresh) = make_refresh::<B>(grant);
            tokio::spawn(async move {
                start.wait().await;
                let outcome = store
                    .rotate_refresh_token(&r0, access, refresh)
                    .await
                    .unwrap();
                (outcome, r)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for racer in racers {
        let (outcome, r) = racer.await.unwrap();
        match outcome {
            Exchange::Done => winners.push(r),
            Exchange::AlreadyUsed => assert!(!has_refresh(&*nodes[0], &r).await),
            Exchange::Missing => panic!("the refresh token went missing"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one rotation wins");
    assert!(has_refresh(&*nodes[1], &winners[0]).await);
    assert!(
        nodes[1]
            .find_refresh_token(&r0)
            .await
            .unwrap()
            .unwrap()
            .consumed
    );
}

/// What one node stores, another sees and acts on.
pub async fn nodes_share_state<B: Backend>(b: &B) {
    let (one, two) = (b.node().await, b.node().await);
    one.save_client(client("app", None)).await.unwrap();
    assert!(two.find_client("app").await.unwrap().is_some());

    let grant = GrantId::generate();
    let (code_hash, code) = make_code::<B>(grant);
    one.insert_code(code).await.unwrap();
    let (a, access1) = make_access::<B>(grant);
    assert_eq!(
        two.exchange_code(&code_hash, access1, None).await.unwrap(),
        Exchange::Done
    );
    let (_, access2) = make_access::<B>(grant);
    assert_eq!(
        one.exchange_code(&code_hash, access2, None).await.unwrap(),
        Exchange::AlreadyUsed
    );
    assert!(has_access(&*one, &a).await);
    two.revoke_grant(grant).await.unwrap();
    assert!(!has_access(&*one, &a).await);
}
