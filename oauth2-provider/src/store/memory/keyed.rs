//! Maps keyed by values that are uniformly random already: SHA-256 digests and grant ids.

use std::hash::{BuildHasherDefault, Hasher};

use dashmap::DashMap;

/// A map whose keys are already uniformly random: SHA-256 digests and random grant ids.
pub(super) type RandomKeyed<K, V> = DashMap<K, V, BuildHasherDefault<RandomKey>>;

/// Shards per token map. A shard's table grows by rehashing all of it at once while its lock is
/// held; with DashMap's default (four per CPU) and a few million live tokens that stalled every
/// request to the shard for hundreds of milliseconds (benchmarks/http.sh, p99). 256 shards keep a
/// growth step to a few thousand entries per million tokens, for 32 KiB of locks per map.
pub(in crate::store) const SHARDS: usize = 256;

pub(super) fn random_keyed<K: Eq + std::hash::Hash, V>() -> RandomKeyed<K, V> {
    DashMap::with_hasher_and_shard_amount(BuildHasherDefault::default(), SHARDS)
}

/// Takes a random key's own 64 bits (`TokenHash` and `GrantId` hash as one `u64`) instead of
/// SipHashing them, a cost every issuance and every validation would pay. Flooding one bucket
/// (HashDoS) needs chosen keys, and these are never chosen by a caller: tokens, codes and grant
/// ids are generated here, and a presented token's hash is only looked up, never inserted.
#[derive(Default)]
pub(super) struct RandomKey(u64);

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

/// Which of [`SHARDS`] holds a token: from a byte the in-shard tables do not hash on (they take
/// the first four or eight), so every shard's table still sees its keys' bits as random.
pub(super) fn shard_of(bytes: &[u8]) -> usize {
    usize::from(bytes[8]) % SHARDS
}
