//! [`Keyring`]: the key set a running provider signs and publishes with, shared by every
//! request and replaced whole when the keys change (a rotation here or on another node).

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use super::{Algorithm, KeyEncryptionKey, KeyError, KeySet, Rotation, RotationPolicy};
use crate::error::StoreError;
use crate::store::KeyStore;

/// The provider's signing keys while it runs: a [`KeySet`] behind a lock, cheap to clone (all
/// clones share it). Requests read it; [`reload`](Keyring::reload) and
/// [`rotate`](Keyring::rotate) replace it. Each node keeps its own copy of what the
/// [`KeyStore`] holds, so a rotation on one node reaches the others at their next reload:
/// reload more often than [`RotationPolicy::publish_ahead`], and every node publishes a new
/// key before any signs with it.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::time::SystemTime;
/// use oauth2_provider::jose::{Algorithm, Keyring, RotationPolicy};
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
///
/// let store: MemoryStore<App> = MemoryStore::new();
/// let policy = RotationPolicy::new();
/// // First start: an RS256 key for ID tokens is made and kept in the store.
/// let keys = Keyring::ensure(&store, None, &[Algorithm::RS256], &policy).await.unwrap();
/// let kid = keys.read(|set| set.signer(Algorithm::RS256, SystemTime::now()).unwrap().kid().to_owned());
/// // A second node, or a restart, finds it there.
/// let again = Keyring::ensure(&store, None, &[Algorithm::RS256], &policy).await.unwrap();
/// assert!(again.read(|set| set.get(&kid).is_some()));
/// # });
/// ```
#[derive(Clone, Default)]
pub struct Keyring(Arc<RwLock<Arc<KeySet>>>);

impl Keyring {
    /// A keyring holding `keys`.
    pub fn new(keys: KeySet) -> Self {
        Keyring(Arc::new(RwLock::new(Arc::new(keys))))
    }

    /// The keys as they are now; later changes do not show in it.
    pub fn snapshot(&self) -> Arc<KeySet> {
        Arc::clone(&self.0.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Reads the keys as they are now.
    pub fn read<T>(&self, read: impl FnOnce(&KeySet) -> T) -> T {
        read(&self.snapshot())
    }

    /// Replaces the keys.
    pub fn replace(&self, keys: KeySet) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
    }

    /// The keys `store` holds (opened with `kek` where sealed).
    pub async fn load(
        store: &impl KeyStore,
        kek: Option<&KeyEncryptionKey>,
    ) -> Result<Self, KeyringError> {
        Ok(Keyring::new(load_set(store, kek).await?))
    }

    /// The keys `store` holds, after adding a key for each of `algs` that has none signing
    /// now: what a provider calls at start, so the first start makes its keys and every later
    /// one (on any node) uses them.
    pub async fn ensure(
        store: &impl KeyStore,
        kek: Option<&KeyEncryptionKey>,
        algs: &[Algorithm],
        policy: &RotationPolicy,
    ) -> Result<Self, KeyringError> {
        let mut set = load_set(store, kek).await?;
        let now = SystemTime::now();
        for &alg in algs {
            if set.signer(alg, now).is_none() {
                let rotation = set.rotate(alg, now, policy)?;
                save(store, kek, &set, &rotation).await?;
            }
        }
        Ok(Keyring::new(set))
    }

    /// Reads the keys from `store` again, dropping none of the stored ones.
    pub async fn reload(
        &self,
        store: &impl KeyStore,
        kek: Option<&KeyEncryptionKey>,
    ) -> Result<(), KeyringError> {
        self.replace(load_set(store, kek).await?);
        Ok(())
    }

    /// Rotates `alg` ([`KeySet::rotate`]) over what `store` holds now, saves what changed,
    /// deletes the keys past their retention, and takes the result. Run it on one node at a
    /// time (a command, a scheduled job).
    pub async fn rotate(
        &self,
        store: &impl KeyStore,
        kek: Option<&KeyEncryptionKey>,
        alg: Algorithm,
        policy: &RotationPolicy,
    ) -> Result<Rotation, KeyringError> {
        let mut set = load_set(store, kek).await?;
        let now = SystemTime::now();
        let rotation = set.rotate(alg, now, policy)?;
        save(store, kek, &set, &rotation).await?;
        for kid in set.prune(now) {
            store.delete_key(&kid).await?;
        }
        self.replace(set);
        Ok(rotation)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kids: Vec<String> =
            self.read(|set| set.iter().map(|k| k.key().kid().to_owned()).collect());
        f.debug_tuple("Keyring").field(&kids).finish()
    }
}

async fn load_set(
    store: &impl KeyStore,
    kek: Option<&KeyEncryptionKey>,
) -> Result<KeySet, KeyringError> {
    let stored = store.load_keys().await?;
    Ok(KeySet::from_stored(&stored, kek)?)
}

async fn save(
    store: &impl KeyStore,
    kek: Option<&KeyEncryptionKey>,
    set: &KeySet,
    rotation: &Rotation,
) -> Result<(), KeyringError> {
    for kid in rotation.changed() {
        if let Some(key) = set.get(kid) {
            store.save_key(key.to_stored(kek)?).await?;
        }
    }
    Ok(())
}

/// Why a [`Keyring`] could not be loaded or changed.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A key could not be made, read or sealed.
    #[error(transparent)]
    Key(#[from] KeyError),
}
