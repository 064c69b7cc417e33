//! The in-memory store: the embedded default for tests, demos and single-node deployments.

use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
use std::time::SystemTime;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

use super::{ClientStore, Exchange, Stored, TokenStore};
use crate::error::StoreError;
use crate::model::{
    AccessKind, AccessToken, AuthorizationCode, CodeRecord, OAuthClient, RefreshKind, RefreshToken,
    TokenRecord,
};
use crate::model::{GrantId, TokenHash};

/// A store in concurrent hash maps (sharded locks, no global lock).
///
/// Lock order is always the grant's entry first, then a record map; no path holds a record
/// map's guard while taking a grant's, so there is no deadlock.
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
    access: RandomKeyed<TokenHash, Arc<A>>,
    refresh: RandomKeyed<TokenHash, Consumable<R>>,
    grants: RandomKeyed<GrantId, Family>,
    /// `remember_once` keys and until when each is remembered.
    once: RandomKeyed<TokenHash, SystemTime>,
    pub(super) state: super::state::MemoryState,
    #[cfg(feature = "jwt")]
    pub(super) keys: super::keys::MemoryKeys,
}

/// A map whose keys are already uniformly random: SHA-256 digests and random grant ids.
type RandomKeyed<K, V> = DashMap<K, V, BuildHasherDefault<RandomKey>>;

/// Shards per token map. A shard's table grows by rehashing all of it at once while its lock is
/// held; with DashMap's default (four per CPU) and a few million live tokens that stalled every
/// request to the shard for hundreds of milliseconds (benchmarks/http.sh, p99). 256 shards keep a
/// growth step to a few thousand entries per million tokens, for 32 KiB of locks per map.
pub(super) const SHARDS: usize = 256;

fn random_keyed<K: Eq + std::hash::Hash, V>() -> RandomKeyed<K, V> {
    DashMap::with_hasher_and_shard_amount(BuildHasherDefault::default(), SHARDS)
}

/// Takes a random key's own 64 bits (`TokenHash` and `GrantId` hash as one `u64`) instead of
/// SipHashing them, a cost every issuance and every validation would pay. Flooding one bucket
/// (HashDoS) needs chosen keys, and these are never chosen by a caller: tokens, codes and grant
/// ids are generated here, and a presented token's hash is only looked up, never inserted.
#[derive(Default)]
struct RandomKey(u64);

impl Hasher for RandomKey {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    // Not reached by the key types above; a fold keeps it a hash should one ever be.
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
}

struct Consumable<T> {
    record: Arc<T>,
    used: bool,
}

/// Everything issued under one grant, so revoking it needs no scan.
#[derive(Default)]
struct Family {
    code: Option<TokenHash>,
    access: Vec<TokenHash>,
    refresh: Vec<TokenHash>,
}

impl<C: OAuthClient, K, A, R> Default for MemoryStore<C, K, A, R> {
    fn default() -> Self {
        MemoryStore {
            clients: DashMap::new(),
            codes: random_keyed(),
            access: random_keyed(),
            refresh: random_keyed(),
            grants: random_keyed(),
            once: random_keyed(),
            state: Default::default(),
            #[cfg(feature = "jwt")]
            keys: Default::default(),
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

impl<C, K, A, R> MemoryStore<C, K, A, R>
where
    C: OAuthClient,
    A: AccessToken,
    R: RefreshToken,
{
    /// Inserts tokens into a family the caller holds locked.
    fn insert_locked(&self, family: &mut Family, access: A, refresh: Option<R>) {
        let hash = *access.token_hash();
        push_one(&mut family.access, hash);
        self.access.insert(hash, Arc::new(access));
        if let Some(refresh) = refresh {
            let hash = *refresh.token_hash();
            push_one(&mut family.refresh, hash);
            self.refresh.insert(
                hash,
                Consumable {
                    record: Arc::new(refresh),
                    used: false,
                },
            );
        }
    }
}

/// Most families hold one token of each kind for their whole life (client credentials, a code
/// exchanged and never refreshed): a first push reserves room for one, not `Vec`'s four.
fn push_one(hashes: &mut Vec<TokenHash>, hash: TokenHash) {
    if hashes.capacity() == 0 {
        hashes.reserve_exact(1);
    }
    hashes.push(hash);
}

impl<C, K, A, R> TokenStore for MemoryStore<C, K, A, R>
where
    C: OAuthClient,
    K: AuthorizationCode<Scope = C::Scope>,
    A: AccessToken<Scope = C::Scope>,
    R: RefreshToken<Scope = C::Scope>,
{
    type Scope = C::Scope;
    type Code = K;
    type AccessToken = A;
    type RefreshToken = R;

    async fn insert_code(&self, code: K) -> Result<(), StoreError> {
        let hash = *code.code_hash();
        let mut family = self.grants.entry(code.grant_id()).or_default();
        family.code = Some(hash);
        self.codes.insert(
            hash,
            Consumable {
                record: Arc::new(code),
                used: false,
            },
        );
        Ok(())
    }

    async fn find_code(&self, code_hash: &TokenHash) -> Result<Option<Arc<K>>, StoreError> {
        Ok(self.codes.get(code_hash).map(|e| Arc::clone(&e.record)))
    }

    async fn exchange_code(
        &self,
        code_hash: &TokenHash,
        access: A,
        refresh: Option<R>,
    ) -> Result<Exchange, StoreError> {
        let Some(grant_id) = self.codes.get(code_hash).map(|e| e.record.grant_id()) else {
            return Ok(Exchange::Missing);
        };
        let Entry::Occupied(mut family) = self.grants.entry(grant_id) else {
            return Ok(Exchange::Missing);
        };
        {
            let Some(mut code) = self.codes.get_mut(code_hash) else {
                return Ok(Exchange::Missing);
            };
            if code.used {
                return Ok(Exchange::AlreadyUsed);
            }
            code.used = true;
        }
        self.insert_locked(family.get_mut(), access, refresh);
        Ok(Exchange::Done)
    }

    async fn insert_tokens(&self, access: A, refresh: Option<R>) -> Result<(), StoreError> {
        let mut family = self.grants.entry(access.grant_id()).or_default();
        self.insert_locked(&mut family, access, refresh);
        Ok(())
    }

    async fn find_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Arc<A>>, StoreError> {
        Ok(self.access.get(token_hash).map(|e| Arc::clone(e.value())))
    }

    async fn find_refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Stored<R>>, StoreError> {
        Ok(self.refresh.get(token_hash).map(|e| Stored {
            record: Arc::clone(&e.record),
            consumed: e.used,
        }))
    }

    async fn rotate_refresh_token(
        &self,
        token_hash: &TokenHash,
        access: A,
        refresh: R,
    ) -> Result<Exchange, StoreError> {
        let Some(grant_id) = self.refresh.get(token_hash).map(|e| e.record.grant_id()) else {
            return Ok(Exchange::Missing);
        };
        let Entry::Occupied(mut family) = self.grants.entry(grant_id) else {
            return Ok(Exchange::Missing);
        };
        {
            let Some(mut old) = self.refresh.get_mut(token_hash) else {
                return Ok(Exchange::Missing);
            };
            if old.used {
                return Ok(Exchange::AlreadyUsed);
            }
            old.used = true;
        }
        self.insert_locked(family.get_mut(), access, Some(refresh));
        Ok(Exchange::Done)
    }

    async fn revoke_access_token(&self, token_hash: &TokenHash) -> Result<bool, StoreError> {
        let Some(grant_id) = self.access.get(token_hash).map(|e| e.grant_id()) else {
            return Ok(false);
        };
        if let Some(mut family) = self.grants.get_mut(&grant_id) {
            family.access.retain(|h| h != token_hash);
        }
        Ok(self.access.remove(token_hash).is_some())
    }

    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), StoreError> {
        if let Some((_, family)) = self.grants.remove(&grant_id) {
            if let Some(code) = family.code {
                self.codes.remove(&code);
            }
            for hash in &family.access {
                self.access.remove(hash);
            }
            for hash in &family.refresh {
                self.refresh.remove(hash);
            }
        }
        Ok(())
    }

    async fn purge_expired(&self, now: SystemTime) -> Result<usize, StoreError> {
        let mut purged = 0;
        self.codes.retain(|_, c| {
            let keep = c.record.expires_at() > now;
            purged += usize::from(!keep);
            keep
        });
        self.access.retain(|_, t| {
            let keep = !t.is_expired(now);
            purged += usize::from(!keep);
            keep
        });
        self.refresh.retain(|_, t| {
            let keep = !t.record.is_expired(now);
            purged += usize::from(!keep);
            keep
        });
        self.once.retain(|_, until| {
            let keep = *until > now;
            purged += usize::from(!keep);
            keep
        });
        purged += self.state.purge(now);
        self.grants.retain(|_, family| {
            family.code = family.code.filter(|h| self.codes.contains_key(h));
            family.access.retain(|h| self.access.contains_key(h));
            family.refresh.retain(|h| self.refresh.contains_key(h));
            family.code.is_some() || !family.access.is_empty() || !family.refresh.is_empty()
        });
        Ok(purged)
    }

    async fn remember_once(&self, key: &TokenHash, until: SystemTime) -> Result<bool, StoreError> {
        let now = SystemTime::now();
        Ok(match self.once.entry(*key) {
            Entry::Vacant(entry) => {
                entry.insert(until);
                true
            }
            Entry::Occupied(mut entry) if *entry.get() <= now => {
                entry.insert(until);
                true
            }
            Entry::Occupied(_) => false,
        })
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
