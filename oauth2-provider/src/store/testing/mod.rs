//! The conformance suite every store passes (feature `testing`): memory, SQLite, PostgreSQL,
//! MySQL and Redis run all of it (token, client, state and key store cases), and so can a
//! store of your own.
//!
//! Supply a [`Backend`], a way to open nodes of the store over data of one test's own, then
//! invoke [`store_conformance!`](crate::store_conformance) in a test file; it generates one
//! `#[tokio::test]` per case (the test crate needs `tokio` with `macros` and `rt-multi-thread`). Records are built through the model traits' `new`, so the suite
//! holds for any record types over [`TestScope`], not only the ready-made ones. Its codes and
//! tokens are minted in their grant's family ([`generate_token_for`]), as the runtime mints
//! them, so a store that keeps a family together by its tag (the Redis store on a cluster)
//! passes too.
//!
//! ```no_run
//! use std::sync::Arc;
//! use oauth2_provider::store::MemoryStore;
//! use oauth2_provider::store::testing::{Backend, TestClient};
//!
//! struct Memory(Arc<MemoryStore<TestClient>>);
//!
//! impl Backend for Memory {
//!     type Store = MemoryStore<TestClient>;
//!     async fn node(&self) -> Arc<Self::Store> { Arc::clone(&self.0) }
//!     async fn dump(&self) -> Option<Vec<u8>> { None } // nothing at rest
//!     fn native_expiry(&self) -> bool { false }
//!     async fn cleanup(self) {}
//! }
//!
//! async fn open(_test: &str) -> Option<Memory> {
//!     Some(Memory(Arc::new(MemoryStore::new())))
//! }
//!
//! oauth2_provider::store_conformance!(tokens, open);
//! ```

mod clients;
mod exchange;
mod extras;
#[cfg(feature = "jwt")]
mod keys;
mod lifetime;
mod outage;
mod race;
#[cfg(feature = "redis")]
mod redis_cluster;
mod state;
mod tokens;

use std::fmt::Display;
use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use clients::{
    client_ids_are_never_errors, client_secrets_hashed_at_rest, client_shared_by_nodes, clients,
};
pub use exchange::{exchange_code, revoke_access_token, revoke_grant, rotate_refresh_token};
pub use extras::{extras_survive_exchange_and_rotation, remember_once};
#[cfg(feature = "jwt")]
pub use keys::{
    keys_delete, keys_replace_by_kid, keys_round_trip, keys_sealed_at_rest, keys_shared_by_nodes,
};
pub use lifetime::{expiry, hashed_at_rest, purge_expired};
pub use outage::{Proxy, host_port, via};
pub use race::{
    concurrent_exchange, concurrent_remember_once, concurrent_rotation, nodes_share_state,
};
#[cfg(feature = "redis")]
pub use redis_cluster::RedisCluster;
pub use state::{
    state_delete, state_expiry, state_kinds_apart, state_overwrite, state_purge, state_round_trip,
    state_size_cap, state_swap_once, state_take_once,
};
pub use tokens::{codes, tokens};

use crate::model::{
    AuthorizationCode, ClientRecord, GrantId, NewCode, NewToken, TokenHash, TokenModel,
};
use crate::pkce::{ChallengeMethod, PkceChallenge};
use crate::scope::{ScopeDef, Scopes};
use crate::secret::generate_token_for;
use crate::store::TokenStore;

/// `read`, `write`, `user:email`, and the combination `read_write`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TestScope(u8);

// Kept out of "the trait is implemented for ..." hints in users' own errors.
#[diagnostic::do_not_recommend]
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

/// The client record the suite registers, for stores that are client stores too.
pub type TestClient = ClientRecord<TestScope>;

/// A store under test, over data of this test's own (a temp file, a schema, a key prefix).
pub trait Backend: Send + Sync + Sized + 'static {
    /// The store, over the test scope.
    type Store: TokenStore<Scope = TestScope>;

    /// A node: a store with its own connections to the same data, as another provider process
    /// would have. An in-process store hands out itself.
    fn node(&self) -> impl Future<Output = Arc<Self::Store>> + Send;

    /// Every byte the backend holds for this test, to check that no raw token is among them;
    /// `None` when nothing is at rest (memory).
    fn dump(&self) -> impl Future<Output = Option<Vec<u8>>> + Send;

    /// `true` when expired records vanish by themselves and `purge_expired` has nothing to do.
    fn native_expiry(&self) -> bool;

    /// Removes what the test stored.
    fn cleanup(self) -> impl Future<Output = ()> + Send;
}

/// The URL of the service a test needs, from the environment variable `var`; `None` once the
/// skip is reported. Under `CI=true` a missing service fails the test instead: CI never passes
/// by skipping.
pub fn service_url(test: &str, var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => unavailable(test, format!("{var} is not set")),
    }
}

/// Reports that `test` cannot reach its service: a failure under `CI=true`, a loud
/// `SKIPPED: <test> — <why>` on stderr elsewhere.
pub fn unavailable<T>(test: &str, why: impl Display) -> Option<T> {
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{test}: {why} (CI=true requires the service)");
    }
    // Straight to the file descriptor: the test harness captures `eprintln!` of a passing
    // test, which would make the skip silent.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {test} — {why}");
    None
}

/// A random lowercase name suffix, for a schema, database or key prefix of a test's own.
pub fn unique_suffix() -> String {
    GrantId::generate()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One `#[tokio::test]` per case for the backend that `$open(test_name)` opens: an
/// `async fn(&str) -> Option<B>`, `None` when the backend's service is missing and the test was
/// reported skipped. `tokens` runs the token store cases; `clients` the client store cases, for
/// a store that keeps [`TestClient`]s too; `state` the state store cases, for a store that is
/// a [`StateStore`](crate::store::StateStore) too; `keys` the key store cases (feature `jwt`),
/// for a store that is a `KeyStore` too.
#[macro_export]
macro_rules! store_conformance {
    (tokens, $open:path) => {
        $crate::store_conformance!(@cases $open;
            codes, tokens, exchange_code, rotate_refresh_token, revoke_access_token,
            revoke_grant, purge_expired, expiry, hashed_at_rest, extras_survive_exchange_and_rotation,
            remember_once, concurrent_exchange, concurrent_rotation, concurrent_remember_once,
            nodes_share_state,
        );
    };
    (clients, $open:path) => {
        $crate::store_conformance!(@cases $open;
            clients, client_secrets_hashed_at_rest, client_shared_by_nodes,
            client_ids_are_never_errors,
        );
    };
    (state, $open:path) => {
        $crate::store_conformance!(@cases $open;
            state_round_trip, state_overwrite, state_expiry, state_take_once, state_swap_once,
            state_delete, state_kinds_apart, state_size_cap, state_purge,
        );
    };
    (keys, $open:path) => {
        $crate::store_conformance!(@cases $open;
            keys_round_trip, keys_replace_by_kid, keys_delete, keys_shared_by_nodes,
            keys_sealed_at_rest,
        );
    };
    (@cases $open:path; $($case:ident,)*) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let test = concat!(module_path!(), "::", stringify!($case));
                let Some(backend) = $open(test).await else { return };
                $crate::store::testing::$case(&backend).await;
                $crate::store::testing::Backend::cleanup(backend).await;
            }
        )*
    };
}

// Records.

/// Now, to the second: every store keeps at least microseconds, so records compare exactly.
fn now() -> SystemTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn later(secs: u64) -> SystemTime {
    now() + Duration::from_secs(secs)
}

fn earlier(secs: u64) -> SystemTime {
    now() - Duration::from_secs(secs)
}

fn scope(s: &str) -> TestScope {
    TestScope::parse(s).expect("a scope of the suite")
}

fn new_code(grant_id: GrantId, expires_at: SystemTime) -> NewCode<TestScope> {
    NewCode {
        code_hash: TokenHash::of(&generate_token_for(grant_id)),
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
        extras: Default::default(),
    }
}

fn new_token(grant_id: GrantId, expires_at: Option<SystemTime>) -> NewToken<TestScope> {
    NewToken {
        token_hash: TokenHash::of(&generate_token_for(grant_id)),
        grant_id,
        client_id: "app".to_owned(),
        subject: Some("alice".to_owned()),
        scope: scope("read"),
        expires_at,
        extras: Default::default(),
    }
}

type CodeOf<B> = <<B as Backend>::Store as TokenStore>::Code;
type AccessOf<B> = <<B as Backend>::Store as TokenStore>::AccessToken;
type RefreshOf<B> = <<B as Backend>::Store as TokenStore>::RefreshToken;

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
    assert_eq!(found.extras(), &expected.extras);
}

fn assert_token<K, T>(found: &T, expected: &NewToken<TestScope>)
where
    K: crate::model::TokenKind,
    T: TokenModel<K, Scope = TestScope>,
{
    assert_eq!(found.token_hash(), &expected.token_hash);
    assert_eq!(found.grant_id(), expected.grant_id);
    assert_eq!(found.client_id(), expected.client_id);
    assert_eq!(found.subject(), expected.subject.as_deref());
    assert_eq!(found.scope(), expected.scope);
    assert_eq!(found.expires_at(), expected.expires_at);
    assert_eq!(found.extras(), &expected.extras);
}

async fn has_access<S: TokenStore>(store: &S, hash: &TokenHash) -> bool {
    store.find_access_token(hash).await.unwrap().is_some()
}

async fn has_refresh<S: TokenStore>(store: &S, hash: &TokenHash) -> bool {
    store.find_refresh_token(hash).await.unwrap().is_some()
}

async fn has_code<S: TokenStore>(store: &S, hash: &TokenHash) -> bool {
    store.find_code(hash).await.unwrap().is_some()
}
