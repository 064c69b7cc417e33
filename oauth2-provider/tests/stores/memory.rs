//! The store conformance suite against the memory store.

use std::sync::Arc;

use oauth2_provider::store::MemoryStore;
use oauth2_provider::store::testing::{Backend, TestClient};

/// One process, one store: every "node" is the same store.
struct Memory(Arc<MemoryStore<TestClient>>);

impl Backend for Memory {
    type Store = MemoryStore<TestClient>;

    async fn node(&self) -> Arc<Self::Store> {
        Arc::clone(&self.0)
    }

    async fn dump(&self) -> Option<Vec<u8>> {
        None
    }

    fn native_expiry(&self) -> bool {
        false
    }

    async fn cleanup(self) {}
}

async fn open(_test: &str) -> Option<Memory> {
    Some(Memory(Arc::new(MemoryStore::new())))
}

oauth2_provider::store_conformance!(tokens, open);
oauth2_provider::store_conformance!(clients, open);
oauth2_provider::store_conformance!(state, open);
oauth2_provider::store_conformance!(keys, open);
