//! The store conformance suite against the memory store.

mod store_conformance;

use std::sync::Arc;

use oauth2_provider::model::ClientRecord;
use oauth2_provider::store::MemoryStore;
use store_conformance::{Backend, TestScope, conformance_tests};

/// One process, one store: every "node" is the same store.
struct Memory(Arc<MemoryStore<ClientRecord<TestScope>>>);

impl Backend for Memory {
    type Store = MemoryStore<ClientRecord<TestScope>>;

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

conformance_tests!(open);
