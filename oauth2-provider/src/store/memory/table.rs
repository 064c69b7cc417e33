//! The access or refresh tokens of a memory store, packed: each token is one fixed-size record
//! in a shard's dense array, found through two tables of 4-byte positions (by token hash, by
//! grant id). The hash is kept once, in the record; what repeats across tokens (client,
//! subject, extras) is one shared [`Context`]. Lookups rebuild the caller's record type through
//! its `new`, as the durable stores do from their rows.

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hashbrown::HashTable;

use super::context::Context;
use super::keyed::{SHARDS, grant_key, shard_of, token_key};
use crate::error::StoreError;
use crate::model::{GrantId, NewToken, TokenHash};
use crate::store::Exchange;

/// One stored token: 72 bytes with a one-byte scope.
pub(super) struct Record<S> {
    hash: TokenHash,
    grant: GrantId,
    /// Microseconds since the Unix epoch, the durable stores' precision; [`NEVER`] for none.
    expires: u64,
    context: Arc<Context>,
    scope: S,
    used: bool,
}

const NEVER: u64 = u64::MAX;

impl<S: Copy> Record<S> {
    pub(super) fn new(
        hash: TokenHash,
        grant: GrantId,
        expires_at: Option<SystemTime>,
        context: Arc<Context>,
        scope: S,
    ) -> Self {
        Record {
            hash,
            grant,
            expires: expires_at.map_or(NEVER, micros),
            context,
            scope,
            used: false,
        }
    }

    fn token(&self) -> NewToken<S> {
        NewToken {
            token_hash: self.hash,
            grant_id: self.grant,
            client_id: self.context.client_id().to_owned(),
            subject: self.context.subject().map(str::to_owned),
            scope: self.scope,
            expires_at: (self.expires != NEVER)
                .then(|| UNIX_EPOCH + Duration::from_micros(self.expires)),
            extras: self.context.extras().clone(),
        }
    }
}

/// Truncated to the microsecond, like the durable stores' columns; a time before the epoch is
/// the epoch (long expired either way), and `NEVER` is out of reach (year 586,000).
fn micros(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(NEVER - 1))
        .min(NEVER - 1)
}

/// The tokens of one kind, in [`SHARDS`] shards chosen by token hash, each behind its own lock.
pub(super) struct Tokens<S> {
    shards: Box<[RwLock<Shard<S>>]>,
}

struct Shard<S> {
    /// Dense: a removal moves the last record into the hole.
    records: Vec<Record<S>>,
    by_hash: HashTable<u32>,
    /// Several positions per grant: a family's tokens that fall in this shard.
    by_grant: HashTable<u32>,
}

/// A shard holds positions as `u32`: 4 billion tokens in one of 256 shards is beyond any
/// memory this store could have.
#[derive(Debug, thiserror::Error)]
#[error("memory store shard full")]
struct Full;

impl<S> Default for Tokens<S> {
    fn default() -> Self {
        let shard = || {
            RwLock::new(Shard {
                records: Vec::new(),
                by_hash: HashTable::new(),
                by_grant: HashTable::new(),
            })
        };
        Tokens {
            shards: (0..SHARDS).map(|_| shard()).collect(),
        }
    }
}

impl<S: Copy> Tokens<S> {
    fn read(&self, hash: &TokenHash) -> RwLockReadGuard<'_, Shard<S>> {
        let shard = &self.shards[shard_of(hash.as_bytes())];
        shard.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_shard(shard: &RwLock<Shard<S>>) -> RwLockWriteGuard<'_, Shard<S>> {
        shard.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self, hash: &TokenHash) -> RwLockWriteGuard<'_, Shard<S>> {
        Self::write_shard(&self.shards[shard_of(hash.as_bytes())])
    }

    /// Stores `record`, replacing any under the same hash.
    pub(super) fn insert(&self, record: Record<S>) -> Result<(), StoreError> {
        self.write(&record.hash).insert(record)
    }

    /// The token stored under `hash`, and whether it has been used.
    pub(super) fn find(&self, hash: &TokenHash) -> Option<(NewToken<S>, bool)> {
        let shard = self.read(hash);
        shard.get(hash).map(|r| (r.token(), r.used))
    }

    pub(super) fn grant_of(&self, hash: &TokenHash) -> Option<GrantId> {
        self.read(hash).get(hash).map(|r| r.grant)
    }

    /// Marks the token used: exactly one caller gets `Done`.
    pub(super) fn consume(&self, hash: &TokenHash) -> Exchange {
        let mut shard = self.write(hash);
        let Some(at) = shard.position(hash) else {
            return Exchange::Missing;
        };
        let record = &mut shard.records[at as usize];
        if record.used {
            return Exchange::AlreadyUsed;
        }
        record.used = true;
        Exchange::Done
    }

    /// `true` if the token was stored.
    pub(super) fn remove(&self, hash: &TokenHash) -> bool {
        let mut shard = self.write(hash);
        shard.position(hash).map(|at| shard.remove_at(at)).is_some()
    }

    /// Removes every token of `grant`. A family's tokens may be in any shard, so this visits
    /// all of them: a revocation costs 256 lock round trips, which saves a per-grant index of
    /// their hashes on every one of millions of live tokens.
    pub(super) fn remove_grant(&self, grant: &GrantId) {
        for shard in &self.shards {
            let mut shard = Self::write_shard(shard);
            while let Some(at) = shard.grant_position(grant) {
                shard.remove_at(at);
            }
        }
    }

    /// Removes every token expired at `now`; how many.
    pub(super) fn purge(&self, now: SystemTime) -> usize {
        let now = micros(now);
        let purge = |shard| Self::write_shard(shard).purge(now);
        self.shards.iter().map(purge).sum()
    }

    pub(super) fn len(&self) -> usize {
        let len = |shard: &RwLock<Shard<S>>| {
            shard
                .read()
                .map_or_else(|e| e.into_inner().records.len(), |s| s.records.len())
        };
        self.shards.iter().map(len).sum()
    }
}

impl<S> Shard<S> {
    fn position(&self, hash: &TokenHash) -> Option<u32> {
        let records = &self.records;
        let at = self
            .by_hash
            .find(token_key(hash), |&at| records[at as usize].hash == *hash)?;
        Some(*at)
    }

    fn get(&self, hash: &TokenHash) -> Option<&Record<S>> {
        self.position(hash).map(|at| &self.records[at as usize])
    }

    fn grant_position(&self, grant: &GrantId) -> Option<u32> {
        let records = &self.records;
        let at = self
            .by_grant
            .find(grant_key(grant), |&at| records[at as usize].grant == *grant)?;
        Some(*at)
    }

    fn insert(&mut self, record: Record<S>) -> Result<(), StoreError> {
        if let Some(at) = self.position(&record.hash) {
            self.remove_at(at);
        }
        let at =
            u32::try_from(self.records.len()).map_err(|_| StoreError::Other(Box::new(Full)))?;
        self.records.push(record);
        self.index(at);
        Ok(())
    }

    fn index(&mut self, at: u32) {
        let Shard {
            records,
            by_hash,
            by_grant,
        } = self;
        let record = &records[at as usize];
        by_hash.insert_unique(token_key(&record.hash), at, |&i| {
            token_key(&records[i as usize].hash)
        });
        by_grant.insert_unique(grant_key(&record.grant), at, |&i| {
            grant_key(&records[i as usize].grant)
        });
    }

    fn remove_at(&mut self, at: u32) -> Record<S> {
        let Shard {
            records,
            by_hash,
            by_grant,
        } = self;
        let record = &records[at as usize];
        if let Ok(entry) = by_hash.find_entry(token_key(&record.hash), |&i| i == at) {
            entry.remove();
        }
        if let Ok(entry) = by_grant.find_entry(grant_key(&record.grant), |&i| i == at) {
            entry.remove();
        }
        let removed = records.swap_remove(at as usize);
        // The last record moved into the hole: point its entries at its new place.
        let last = records.len() as u32;
        if let Some(moved) = records.get(at as usize) {
            if let Some(i) = by_hash.find_mut(token_key(&moved.hash), |&i| i == last) {
                *i = at;
            }
            if let Some(i) = by_grant.find_mut(grant_key(&moved.grant), |&i| i == last) {
                *i = at;
            }
        }
        removed
    }

    fn purge(&mut self, now: u64) -> usize {
        let before = self.records.len();
        self.records.retain(|r| r.expires > now);
        let purged = before - self.records.len();
        if purged > 0 {
            self.reindex();
        }
        purged
    }

    /// Positions moved: rebuilds both tables, and gives back room a purge left unused.
    fn reindex(&mut self) {
        let len = self.records.len();
        if self.records.capacity() > 4 * len {
            self.records.shrink_to(2 * len);
        }
        self.by_hash.clear();
        self.by_grant.clear();
        self.by_hash.shrink_to(len, |_| 0);
        self.by_grant.shrink_to(len, |_| 0);
        for at in 0..len as u32 {
            self.index(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Extras;

    /// Hashes that all land in one shard, so removals move records within it.
    fn hash(n: u8) -> TokenHash {
        let mut bytes = [n; 32];
        bytes[8] = 7;
        TokenHash::from_bytes(bytes)
    }

    fn tokens(grants: &[GrantId]) -> Tokens<u8> {
        let tokens = Tokens::default();
        let context =
            super::super::context::Contexts::default().intern("app", None, &Extras::default());
        for (n, grant) in grants.iter().enumerate() {
            let record = Record::new(hash(n as u8), *grant, None, Arc::clone(&context), n as u8);
            tokens.insert(record).expect("room");
        }
        tokens
    }

    #[test]
    fn a_removal_keeps_every_other_token_findable() {
        let grants: Vec<_> = (0..5).map(|_| GrantId::generate()).collect();
        let tokens = tokens(&grants);
        assert!(tokens.remove(&hash(1)));
        assert!(!tokens.remove(&hash(1)));
        for n in [0, 2, 3, 4] {
            let (token, used) = tokens.find(&hash(n)).expect("still stored");
            assert_eq!(
                (token.scope, token.grant_id, used),
                (n, grants[n as usize], false)
            );
        }
        assert_eq!(tokens.len(), 4);
    }

    #[test]
    fn a_grant_goes_with_every_token_of_it_and_no_other() {
        let (kept, revoked) = (GrantId::generate(), GrantId::generate());
        let tokens = tokens(&[revoked, kept, revoked, kept, revoked]);
        tokens.remove_grant(&revoked);
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens.grant_of(&hash(1)), Some(kept));
        assert_eq!(tokens.grant_of(&hash(3)), Some(kept));
        assert!(matches!(tokens.consume(&hash(3)), Exchange::Done));
        assert!(matches!(tokens.consume(&hash(3)), Exchange::AlreadyUsed));
        assert!(matches!(tokens.consume(&hash(0)), Exchange::Missing));
    }

    #[test]
    fn expiry_keeps_the_microsecond_and_purges_what_is_due() {
        let tokens = Tokens::default();
        let context =
            super::super::context::Contexts::default().intern("app", None, &Extras::default());
        let at = UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
        let record = Record::new(hash(1), GrantId::generate(), Some(at), context, 0u8);
        tokens.insert(record).expect("room");
        let (token, _) = tokens.find(&hash(1)).expect("stored");
        assert_eq!(
            token.expires_at,
            Some(UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456))
        );
        assert_eq!(tokens.purge(at - Duration::from_micros(1)), 0);
        assert_eq!(tokens.purge(at), 1);
        assert!(tokens.find(&hash(1)).is_none());
    }
}
