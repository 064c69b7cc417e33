//! The in-memory store: the embedded default for tests, demos and single-node deployments.
//!
//! Codes are kept as given; access and refresh tokens are packed (`table.rs`) with their
//! client, subject and extras interned (`context.rs`), so that a live token costs about 160
//! bytes (`cargo bench --bench memory`), and are rebuilt on lookup through the record type's
//! `new`, as the durable stores rebuild theirs: a record type's own state beyond what
//! [`NewToken`](crate::model::NewToken) carries is not kept.

mod context;
mod keyed;
mod table;
mod token_store;

pub(super) use keyed::SHARDS;

use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use dashmap::DashMap;

use super::ClientStore;
use crate::error::StoreError;
use crate::model::{
    AccessKind, CodeRecord, GrantId, OAuthClient, RefreshKind, TokenHash, TokenRecord,
};
use context::Contexts;
use keyed::{RandomKeyed, random_keyed};
use table::Tokens;

/// A store in concurrent hash maps (sharded locks, no global lock).
///
/// Lock order is always the grant's lock first, then a record map; no path holds a record
/// map's guard while taking a grant's, so there is no deadlock.
///
/// Access and refresh tokens are kept packed, not as the record values given, and every lookup
/// builds a new record through [`TokenModel::new`](crate::model::TokenModel::new), as the SQL
/// and Redis stores do from their rows; their expiry is kept to the microsecond, as there.
///
/// ```
/// use oauth2_provider::store::MemoryStore;
/// # use oauth2_provider::model::OAuthClient;
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// # struct App { id: String, uris: Vec<String> }
/// # impl OAuthClient for App { type Scope = S; fn client_id(&self) -> &str { &self.id }
/// #   fn secret_hash(&self) -> Option<&str> { None } fn redirect_uris(&self) -> &[String] { &self.uris }
/// #   fn allowed_scope(&self) -> S { S(0) } }
/// let store: MemoryStore<App> = MemoryStore::new();
/// store.add_client(App { id: "app".into(), uris: vec![] });
/// assert_eq!(store.client_count(), 1);
/// ```
pub struct MemoryStore<
    C: OAuthClient,
    K = CodeRecord<<C as OAuthClient>::Scope>,
    A = TokenRecord<<C as OAuthClient>::Scope, AccessKind>,
    R = TokenRecord<<C as OAuthClient>::Scope, RefreshKind>,
> {
    clients: DashMap<String, Arc<C>>,
    codes: RandomKeyed<TokenHash, Consumable<K>>,
    /// The code of each grant that has one, so revoking a grant finds it.
    code_of: RandomKeyed<GrantId, TokenHash>,
    access: Tokens<C::Scope>,
    refresh: Tokens<C::Scope>,
    contexts: Contexts,
    families: Families,
    /// `remember_once` keys and until when each is remembered.
    once: RandomKeyed<TokenHash, SystemTime>,
    pub(super) state: super::state::MemoryState,
    #[cfg(feature = "jwt")]
    pub(super) keys: super::keys::MemoryKeys,
    /// Rebuilt on lookup, never held: through `fn()` so the store is `Send + Sync` whatever
    /// they are.
    records: PhantomData<fn() -> (A, R)>,
}

struct Consumable<T> {
    record: Arc<T>,
    used: bool,
}

/// One lock per stripe of grant ids: what makes an exchange, a rotation or an issuance atomic
/// against the revocation of its grant, which sweeps the token shards one at a time.
struct Families(Box<[Mutex<()>]>);

impl Default for Families {
    fn default() -> Self {
        Families((0..keyed::SHARDS).map(|_| Mutex::new(())).collect())
    }
}

impl Families {
    fn lock(&self, grant: &GrantId) -> MutexGuard<'_, ()> {
        // A byte the grant tables' hashing (the first eight) does not read.
        let stripe = usize::from(grant.as_bytes()[15]) % self.0.len();
        self.0[stripe]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl<C: OAuthClient, K, A, R> Default for MemoryStore<C, K, A, R> {
    fn default() -> Self {
        MemoryStore {
            clients: DashMap::new(),
            codes: random_keyed(),
            code_of: random_keyed(),
            access: Tokens::default(),
            refresh: Tokens::default(),
            contexts: Contexts::default(),
            families: Families::default(),
            once: random_keyed(),
            state: Default::default(),
            #[cfg(feature = "jwt")]
            keys: Default::default(),
            records: PhantomData,
        }
    }
}

impl<C: OAuthClient, K, A, R> MemoryStore<C, K, A, R> {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a client, replacing any with the same id.
    pub fn add_client(&self, client: C) {
        self.clients
            .insert(client.client_id().to_owned(), Arc::new(client));
    }

    /// Removes a client; `true` if it existed. Its tokens stay until they expire or are revoked.
    pub fn remove_client(&self, client_id: &str) -> bool {
        self.clients.remove(client_id).is_some()
    }

    /// How many clients are registered.
    pub fn client_count(&self) -> usize {
        self.clients.len()
    }

    /// How many access tokens are stored.
    pub fn access_token_count(&self) -> usize {
        self.access.len()
    }

    /// How many refresh tokens are stored, rotated ones included.
    pub fn refresh_token_count(&self) -> usize {
        self.refresh.len()
    }

    /// How many codes are stored, used ones included.
    pub fn code_count(&self) -> usize {
        self.codes.len()
    }
}

impl<C, K, A, R> ClientStore for MemoryStore<C, K, A, R>
where
    C: OAuthClient,
    K: Send + Sync + 'static,
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    type Client = C;

    async fn find_client(&self, client_id: &str) -> Result<Option<Arc<C>>, StoreError> {
        Ok(self.clients.get(client_id).map(|e| Arc::clone(e.value())))
    }

    async fn save_client(&self, client: C) -> Result<(), StoreError> {
        self.add_client(client);
        Ok(())
    }

    async fn delete_client(&self, client_id: &str) -> Result<bool, StoreError> {
        Ok(self.remove_client(client_id))
    }

    async fn list_clients(&self) -> Result<Vec<Arc<C>>, StoreError> {
        let mut clients: Vec<_> = self.clients.iter().map(|e| Arc::clone(e.value())).collect();
        clients.sort_by(|a, b| a.client_id().cmp(b.client_id()));
        Ok(clients)
    }
}
