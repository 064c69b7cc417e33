//! [`KeyStore`]: where the provider's signing keys persist (feature `jwt`), so every node
//! signs with and publishes the same set, and a restart keeps it.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use dashmap::DashMap;
use zeroize::Zeroizing;

use super::MemoryStore;
use crate::error::StoreError;
use crate::jose::Algorithm;
use crate::model::OAuthClient;

/// A signing key at rest: its public metadata and schedule, and its private key, as an
/// unencrypted PKCS#8 document or, when `encrypted`, that document sealed with AES-256-GCM
/// under the application's [`KeyEncryptionKey`](crate::jose::KeyEncryptionKey).
///
/// Made by [`ManagedKey::to_stored`](crate::jose::ManagedKey::to_stored) and read back by
/// [`ManagedKey::from_stored`](crate::jose::ManagedKey::from_stored); a store keeps it as it
/// is. `Debug` shows everything but the private key.
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::jose::{Algorithm, ManagedKey, SigningKey};
/// let now = SystemTime::now();
/// let key = ManagedKey::new(SigningKey::generate(Algorithm::ES256).unwrap(), now, now);
/// let stored = key.to_stored(None).unwrap();
/// assert_eq!(stored.kid, key.key().kid());
/// assert!(!format!("{stored:?}").contains("private_key: ["));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// The key's id (its RFC 7638 thumbprint): what a store keys it by.
    pub kid: String,
    /// The one algorithm it signs with.
    pub alg: Algorithm,
    /// When it was made.
    pub created_at: SystemTime,
    /// When it starts signing.
    pub activates_at: SystemTime,
    /// When it stops signing, if a successor is scheduled.
    pub retired_at: Option<SystemTime>,
    /// When it leaves the JWKS and may be deleted.
    pub retain_until: Option<SystemTime>,
    /// `true` if `private_key` is sealed.
    pub encrypted: bool,
    /// The PKCS#8 document (DER), or its sealing when `encrypted`.
    pub private_key: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("created_at", &self.created_at)
            .field("activates_at", &self.activates_at)
            .field("retired_at", &self.retired_at)
            .field("retain_until", &self.retain_until)
            .field("encrypted", &self.encrypted)
            .finish_non_exhaustive()
    }
}

/// Where signing keys are kept: every store of this crate, or one of the application's.
///
/// Keys never expire by themselves: [`KeySet::prune`](crate::jose::KeySet::prune) says which
/// to delete. A store keeps what it is given byte for byte; sealing is the caller's
/// ([`ManagedKey::to_stored`](crate::jose::ManagedKey::to_stored)).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::time::SystemTime;
/// use oauth2_provider::jose::{Algorithm, KeyEncryptionKey, KeySet, RotationPolicy};
/// use oauth2_provider::store::{KeyStore, MemoryStore};
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
/// let kek = KeyEncryptionKey::new(&[9; 32]).unwrap();
/// let now = SystemTime::now();
///
/// let mut keys = KeySet::new();
/// let rotation = keys.rotate(Algorithm::ES256, now, &RotationPolicy::new()).unwrap();
/// for kid in rotation.changed() {
///     let key = keys.get(kid).unwrap();
///     store.save_key(key.to_stored(Some(&kek)).unwrap()).await.unwrap();
/// }
///
/// let loaded = KeySet::from_stored(&store.load_keys().await.unwrap(), Some(&kek)).unwrap();
/// assert_eq!(loaded.jwks(now), keys.jwks(now));
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a key store",
    label = "use one of `oauth2_provider::store`'s, or implement `KeyStore` (its conformance cases are `store::testing`'s `keys`)"
)]
pub trait KeyStore: Send + Sync + 'static {
    /// Every stored key, ordered by `kid` (byte order).
    fn load_keys(&self) -> impl Future<Output = Result<Vec<StoredKey>, StoreError>> + Send;

    /// Stores a key, or replaces the one with the same `kid`.
    fn save_key(&self, key: StoredKey) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes the key with this `kid`; `true` if it existed.
    fn delete_key(&self, kid: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

impl<T: KeyStore> KeyStore for Arc<T> {
    fn load_keys(&self) -> impl Future<Output = Result<Vec<StoredKey>, StoreError>> + Send {
        T::load_keys(self)
    }

    fn save_key(&self, key: StoredKey) -> impl Future<Output = Result<(), StoreError>> + Send {
        T::save_key(self, key)
    }

    fn delete_key(&self, kid: &str) -> impl Future<Output = Result<bool, StoreError>> + Send {
        T::delete_key(self, kid)
    }
}

/// The algorithm of a stored row; an unknown name is a corrupt row.
#[cfg(any(
    feature = "sqlite",
    feature = "postgres",
    feature = "mysql",
    feature = "redis"
))]
pub(super) fn stored_alg(name: &str) -> Result<Algorithm, StoreError> {
    Algorithm::from_name(name).ok_or_else(|| super::row::corrupt("an unknown key algorithm"))
}

/// The memory store's keys.
#[derive(Default)]
pub(super) struct MemoryKeys(DashMap<String, StoredKey>);

impl<C: OAuthClient, K, A, R> KeyStore for MemoryStore<C, K, A, R>
where
    K: Send + Sync + 'static,
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    async fn load_keys(&self) -> Result<Vec<StoredKey>, StoreError> {
        let mut keys: Vec<StoredKey> = self.keys.0.iter().map(|e| e.value().clone()).collect();
        keys.sort_by(|a, b| a.kid.cmp(&b.kid));
        Ok(keys)
    }

    async fn save_key(&self, key: StoredKey) -> Result<(), StoreError> {
        self.keys.0.insert(key.kid.clone(), key);
        Ok(())
    }

    async fn delete_key(&self, kid: &str) -> Result<bool, StoreError> {
        Ok(self.keys.0.remove(kid).is_some())
    }
}
