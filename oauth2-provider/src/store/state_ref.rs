//! [`StateRef`]: a borrowed [`StateStore`] of any type, which the runtime's generic code can
//! hold without a bound on the provider's store types (the device grant keeps its records
//! through one, [`Provider::state_store`](crate::Provider::state_store)).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use bytes::Bytes;

use super::{StateKey, StateStore, StoredState};
use crate::error::StoreError;

type Fut<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// [`StateStore`] with boxed futures: what `dyn` can hold.
trait Erased: Send + Sync {
    fn put<'a>(&'a self, key: &'a StateKey, value: Bytes, at: SystemTime) -> Fut<'a, u64>;
    fn get<'a>(&'a self, key: &'a StateKey) -> Fut<'a, Option<StoredState>>;
    fn take<'a>(&'a self, key: &'a StateKey) -> Fut<'a, Option<StoredState>>;
    fn swap<'a>(
        &'a self,
        key: &'a StateKey,
        version: u64,
        value: Bytes,
        at: SystemTime,
    ) -> Fut<'a, Option<u64>>;
    fn delete<'a>(&'a self, key: &'a StateKey) -> Fut<'a, bool>;
}

impl<T: StateStore> Erased for T {
    fn put<'a>(&'a self, key: &'a StateKey, value: Bytes, at: SystemTime) -> Fut<'a, u64> {
        Box::pin(self.put_state(key, value, at))
    }
    fn get<'a>(&'a self, key: &'a StateKey) -> Fut<'a, Option<StoredState>> {
        Box::pin(self.get_state(key))
    }
    fn take<'a>(&'a self, key: &'a StateKey) -> Fut<'a, Option<StoredState>> {
        Box::pin(self.take_state(key))
    }
    fn swap<'a>(
        &'a self,
        key: &'a StateKey,
        version: u64,
        value: Bytes,
        at: SystemTime,
    ) -> Fut<'a, Option<u64>> {
        Box::pin(self.swap_state(key, version, value, at))
    }
    fn delete<'a>(&'a self, key: &'a StateKey) -> Fut<'a, bool> {
        Box::pin(self.delete_state(key))
    }
}

/// A borrowed state store, whatever its type: the same five atomic steps as [`StateStore`]'s.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::time::{Duration, SystemTime};
/// use oauth2_provider::store::{MemoryStore, StateKey, StateRef};
/// # use oauth2_provider::model::ClientRecord;
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// let store: MemoryStore<ClientRecord<S>> = MemoryStore::new();
/// let state = StateRef::new(&store);
/// let key = StateKey::new("example", "id");
/// let later = SystemTime::now() + Duration::from_secs(60);
/// state.put_state(&key, "v".into(), later).await.unwrap();
/// assert_eq!(state.take_state(&key).await.unwrap().unwrap().value, "v");
/// # });
/// ```
#[derive(Clone, Copy)]
pub struct StateRef<'a>(&'a dyn Erased);

impl<'a> StateRef<'a> {
    /// `store`, borrowed.
    pub fn new(store: &'a impl StateStore) -> Self {
        StateRef(store)
    }

    /// [`StateStore::put_state`].
    pub async fn put_state(
        &self,
        key: &StateKey,
        value: Bytes,
        expires_at: SystemTime,
    ) -> Result<u64, StoreError> {
        self.0.put(key, value, expires_at).await
    }

    /// [`StateStore::get_state`].
    pub async fn get_state(&self, key: &StateKey) -> Result<Option<StoredState>, StoreError> {
        self.0.get(key).await
    }

    /// [`StateStore::take_state`].
    pub async fn take_state(&self, key: &StateKey) -> Result<Option<StoredState>, StoreError> {
        self.0.take(key).await
    }

    /// [`StateStore::swap_state`].
    pub async fn swap_state(
        &self,
        key: &StateKey,
        expected_version: u64,
        value: Bytes,
        expires_at: SystemTime,
    ) -> Result<Option<u64>, StoreError> {
        self.0.swap(key, expected_version, value, expires_at).await
    }

    /// [`StateStore::delete_state`].
    pub async fn delete_state(&self, key: &StateKey) -> Result<bool, StoreError> {
        self.0.delete(key).await
    }
}

impl fmt::Debug for StateRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StateRef(..)")
    }
}
