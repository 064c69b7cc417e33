//! [`StateStore`]: small expiring, versioned records beside the tokens — browser sessions,
//! remembered consent, and the single-use records of request URIs, device codes, DPoP nonces
//! and CSRF state — so that every node sees them and nothing outlives its expiry.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use dashmap::DashMap;
use sha2::{Digest, Sha256};

use super::MemoryStore;
use crate::error::StoreError;
use crate::model::OAuthClient;

/// The largest value a [`StateStore`] keeps, in bytes (64 KiB). Every store here refuses a
/// longer one with [`StoreError::Other`], on [`put_state`](StateStore::put_state) and
/// [`swap_state`](StateStore::swap_state) alike, and stores nothing. What a kind of state may
/// hold below that is the caller's to bound: a session that grows with every request is the
/// caller's bug, not the store's.
pub const MAX_STATE_LEN: usize = 64 * 1024;

/// Where a state record is kept: the SHA-256 of a namespace (`kind`) and an id.
///
/// The kind is length-prefixed before the id, so no two (kind, id) pairs share a key (`"ab"`
/// and `"c"` is not `"a"` and `"bc"`), and the digest is all a store sees: an id of any length
/// or bytes, even a hostile one, makes a 32-byte key.
///
/// ```
/// use oauth2_provider::store::StateKey;
/// let session = StateKey::new("session", "r4nd0m-s3ss10n-1d");
/// let consent = StateKey::new("consent", "r4nd0m-s3ss10n-1d");
/// assert_ne!(session, consent);
/// assert_eq!(session, StateKey::new("session", b"r4nd0m-s3ss10n-1d"));
/// assert_eq!(session.as_bytes().len(), 32);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateKey([u8; 32]);

impl StateKey {
    /// The key of `id` within `kind` (`"session"`, `"consent"`, `"par"`, ...).
    pub fn new(kind: &'static str, id: impl AsRef<[u8]>) -> Self {
        let mut digest = Sha256::new();
        digest.update(b"oauth2-provider state\0");
        digest.update((kind.len() as u64).to_be_bytes());
        digest.update(kind.as_bytes());
        digest.update(id.as_ref());
        StateKey(digest.finalize().into())
    }

    /// The digest bytes: what a store keys the record by.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for StateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, ..] = self.0;
        write!(f, "StateKey({a:02x}{b:02x}{c:02x}{d:02x}..)")
    }
}

/// A state record as read back: its value, its version and when it expires.
///
/// `Debug` shows the value's length, never its bytes: a session's may be a secret.
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::store::StoredState;
/// let state = StoredState { value: "csrf".into(), version: 7, expires_at: SystemTime::UNIX_EPOCH };
/// assert!(!format!("{state:?}").contains("csrf"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StoredState {
    /// The bytes stored, as they were given.
    pub value: Bytes,
    /// The version this write made: opaque and never 0. Each write draws a new one (63
    /// random bits in every store here), so a [`swap_state`](StateStore::swap_state) against
    /// it fails once anything else has written, even after the key was deleted and written
    /// again. Not an order: compare for equality only.
    pub version: u64,
    /// When it stops being there (to the microsecond in every store here).
    pub expires_at: SystemTime,
}

impl fmt::Debug for StoredState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredState")
            .field("value", &format_args!("{} bytes", self.value.len()))
            .field("version", &self.version)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Expiring, versioned key/value state, shared by every node on the store: what sessions,
/// remembered consent and single-use records (PAR request URIs, device codes, DPoP nonces,
/// CSRF state) are kept in.
///
/// A record whose `expires_at` has passed is not there for any method, whether or not it was
/// purged yet; expired records go at the next [`purge_expired`](super::TokenStore::purge_expired)
/// (memory, SQL; run one with [`PurgeTask`](super::PurgeTask)) or by themselves (Redis). Values
/// are at most [`MAX_STATE_LEN`] bytes; a store keeps them byte for byte, so encrypt what must
/// not rest in the clear. Every method is one atomic step on any number of nodes: of
/// concurrent [`take_state`](StateStore::take_state)s of one record exactly one gets it, of
/// concurrent [`swap_state`](StateStore::swap_state)s against one version exactly one wins.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::time::{Duration, SystemTime};
/// use oauth2_provider::store::{MemoryStore, StateKey, StateStore};
/// # use oauth2_provider::model::OAuthClient;
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// # struct App { id: String, uris: Vec<String> }
/// # impl OAuthClient for App { type Scope = S; fn client_id(&self) -> &str { &self.id }
/// #   fn secret_hash(&self) -> Option<&str> { None } fn redirect_uris(&self) -> &[String] { &self.uris }
/// #   fn allowed_scope(&self) -> S { S(0) } }
///
/// let store: MemoryStore<App> = MemoryStore::new();
/// let key = StateKey::new("session", "8fQ2...");
/// let in_an_hour = SystemTime::now() + Duration::from_secs(3600);
///
/// let version = store.put_state(&key, "user=alice".into(), in_an_hour).await.unwrap();
/// let swapped = store.swap_state(&key, version, "user=alice;mfa".into(), in_an_hour).await.unwrap();
/// assert!(swapped.is_some());
/// // The old version lost its meaning: a second writer that read it loses.
/// assert!(store.swap_state(&key, version, "user=mallory".into(), in_an_hour).await.unwrap().is_none());
///
/// let taken = store.take_state(&key).await.unwrap().unwrap();
/// assert_eq!(taken.value, "user=alice;mfa");
/// assert!(store.take_state(&key).await.unwrap().is_none(), "single use");
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a state store",
    label = "use one of `oauth2_provider::store`'s, or implement `StateStore` (its conformance cases are `store::testing`'s `state`)"
)]
pub trait StateStore: Send + Sync + 'static {
    /// Stores `value` under `key` until `expires_at`, replacing whatever was there; the new
    /// version. A time already past stores nothing that can be read. Fails, storing nothing,
    /// if `value` is over [`MAX_STATE_LEN`].
    fn put_state(
        &self,
        key: &StateKey,
        value: Bytes,
        expires_at: SystemTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The record under `key`, unless it is missing or expired.
    fn get_state(
        &self,
        key: &StateKey,
    ) -> impl Future<Output = Result<Option<StoredState>, StoreError>> + Send;

    /// Reads and deletes the record under `key` in one step: of concurrent callers on any
    /// number of nodes, exactly one gets it. `None` if it is missing or expired.
    fn take_state(
        &self,
        key: &StateKey,
    ) -> impl Future<Output = Result<Option<StoredState>, StoreError>> + Send;

    /// Replaces the record under `key` if it is there at `expected_version`: the new version,
    /// or `None` (nothing written) if it is missing, expired or at another version. Of
    /// concurrent swaps against one version, exactly one wins. Fails, storing nothing, if
    /// `value` is over [`MAX_STATE_LEN`].
    fn swap_state(
        &self,
        key: &StateKey,
        expected_version: u64,
        value: Bytes,
        expires_at: SystemTime,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;

    /// Deletes the record under `key`; `true` if it was there (and not expired).
    fn delete_state(&self, key: &StateKey)
    -> impl Future<Output = Result<bool, StoreError>> + Send;
}

impl<T: StateStore> StateStore for Arc<T> {
    fn put_state(
        &self,
        key: &StateKey,
        value: Bytes,
        expires_at: SystemTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send {
        T::put_state(self, key, value, expires_at)
    }

    fn get_state(
        &self,
        key: &StateKey,
    ) -> impl Future<Output = Result<Option<StoredState>, StoreError>> + Send {
        T::get_state(self, key)
    }

    fn take_state(
        &self,
        key: &StateKey,
    ) -> impl Future<Output = Result<Option<StoredState>, StoreError>> + Send {
        T::take_state(self, key)
    }

    fn swap_state(
        &self,
        key: &StateKey,
        expected_version: u64,
        value: Bytes,
        expires_at: SystemTime,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send {
        T::swap_state(self, key, expected_version, value, expires_at)
    }

    fn delete_state(
        &self,
        key: &StateKey,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        T::delete_state(self, key)
    }
}

/// A value over [`MAX_STATE_LEN`].
#[derive(Debug, thiserror::Error)]
#[error("a state value of {0} bytes is over the {MAX_STATE_LEN}-byte limit")]
struct TooLarge(usize);

/// Refuses a value over [`MAX_STATE_LEN`], the same way in every store.
pub(crate) fn check_len(value: &[u8]) -> Result<(), StoreError> {
    if value.len() > MAX_STATE_LEN {
        return Err(StoreError::Other(Box::new(TooLarge(value.len()))));
    }
    Ok(())
}

/// A version for a write: 63 random bits (so it fits a signed `BIGINT`), never 0. Random
/// rather than counted, so a key deleted and written again does not start over at a version
/// a stale swap may still hold.
pub(crate) fn new_version() -> u64 {
    let bits = u64::from_le_bytes(crate::secret::random_bytes::<8>()) >> 1;
    bits.max(1)
}

/// The memory store's state. Unlike its token maps, it hashes keys with a random SipHash key
/// (`RandomState`): a state key is a digest of an id a caller may choose, and ids ground to
/// share their low bits would pile into one bucket.
pub(super) struct MemoryState(DashMap<StateKey, StoredState>);

impl Default for MemoryState {
    fn default() -> Self {
        MemoryState(DashMap::with_shard_amount(super::memory::SHARDS))
    }
}

impl MemoryState {
    /// Deletes what expired before `now`; how many records went.
    pub(super) fn purge(&self, now: SystemTime) -> usize {
        let mut purged = 0;
        self.0.retain(|_, state| {
            let keep = state.expires_at > now;
            purged += usize::from(!keep);
            keep
        });
        purged
    }
}

impl<C: OAuthClient, K, A, R> StateStore for MemoryStore<C, K, A, R>
where
    K: Send + Sync + 'static,
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    async fn put_state(
        &self,
        key: &StateKey,
        value: Bytes,
        expires_at: SystemTime,
    ) -> Result<u64, StoreError> {
        check_len(&value)?;
        let version = new_version();
        let state = StoredState {
            value,
            version,
            expires_at,
        };
        self.state.0.insert(*key, state);
        Ok(version)
    }

    async fn get_state(&self, key: &StateKey) -> Result<Option<StoredState>, StoreError> {
        let now = SystemTime::now();
        let found = self.state.0.get(key);
        Ok(found.filter(|s| s.expires_at > now).map(|s| s.clone()))
    }

    async fn take_state(&self, key: &StateKey) -> Result<Option<StoredState>, StoreError> {
        let now = SystemTime::now();
        let taken = self.state.0.remove(key).map(|(_, state)| state);
        Ok(taken.filter(|s| s.expires_at > now))
    }

    async fn swap_state(
        &self,
        key: &StateKey,
        expected_version: u64,
        value: Bytes,
        expires_at: SystemTime,
    ) -> Result<Option<u64>, StoreError> {
        check_len(&value)?;
        let now = SystemTime::now();
        let Some(mut state) = self.state.0.get_mut(key) else {
            return Ok(None);
        };
        if state.version != expected_version || state.expires_at <= now {
            return Ok(None);
        }
        let version = new_version();
        *state = StoredState {
            value,
            version,
            expires_at,
        };
        Ok(Some(version))
    }

    async fn delete_state(&self, key: &StateKey) -> Result<bool, StoreError> {
        let now = SystemTime::now();
        let deleted = self.state.0.remove(key);
        Ok(deleted.is_some_and(|(_, s)| s.expires_at > now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_ids_never_share_a_key() {
        assert_ne!(StateKey::new("ab", "c"), StateKey::new("a", "bc"));
        assert_ne!(StateKey::new("session", ""), StateKey::new("sessio", "n"));
        assert_ne!(StateKey::new("a", "b"), StateKey::new("b", "a"));
        assert_eq!(StateKey::new("a", "b"), StateKey::new("a", [b'b']));
    }

    #[test]
    fn versions_fit_a_signed_column_and_are_never_zero() {
        for _ in 0..1000 {
            let version = new_version();
            assert!(version >= 1 && i64::try_from(version).is_ok());
        }
    }

    #[test]
    fn the_cap_is_inclusive() {
        assert!(check_len(&vec![0; MAX_STATE_LEN]).is_ok());
        assert!(check_len(&vec![0; MAX_STATE_LEN + 1]).is_err());
    }
}
