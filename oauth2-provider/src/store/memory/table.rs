//! The access or refresh tokens of a memory store, packed: each token is one fixed-size record
//! held in the slot of a table keyed by its hash (the hash kept once, in the record), and an
//! 8-byte entry in a second table by grant id. What repeats across tokens (client, subject,
//! extras) is one shared [`Context`]. Lookups rebuild the caller's record type through its
//! `new`, as the durable stores do from their rows.
//!
//! The record sits in the slot itself, not behind a position or a pointer: at a million live
//! tokens every dependent memory access of a lookup is a cache and TLB miss, and this way a
//! lookup makes the two a plain hash map makes (control byte, slot).

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hashbrown::HashTable;

use super::context::Context;
use super::keyed::{SHARDS, shard_of};
use crate::error::StoreError;
use crate::model::{GrantId, NewToken, TokenHash};
use crate::store::Exchange;

/// One stored token, in one 64-byte cache line whatever the scope type up to 64 bits (128
/// beyond): a lookup that has found the slot reads nothing else but the shared context.
#[repr(align(64))]
pub(super) struct Record<S> {
    /// The first 192 bits of the token's SHA-256: as unguessable as a token needs (a live one
    /// is found by chance once in 2^172 tries with a million stored) and 8 bytes that let the
    /// record fit the line. A lookup knows the full hash; it is what the record is rebuilt with.
    hash: Prefix,
    grant: GrantId,
    /// Microseconds since the Unix epoch, the durable stores' precision ([`NEVER`] for none),
    /// and [`USED`].
    expires: u64,
    context: Arc<Context>,
    scope: S,
}

type Prefix = [u8; 24];

fn prefix(hash: &TokenHash) -> Prefix {
    let mut prefix = [0; 24];
    prefix.copy_from_slice(&hash.as_bytes()[..24]);
    prefix
}

/// The top bit of `expires`: a refresh token rotated, kept to detect its replay.
const USED: u64 = 1 << 63;
const NEVER: u64 = USED - 1;

impl<S: Copy> Record<S> {
    pub(super) fn new(
        hash: &TokenHash,
        grant: GrantId,
        expires_at: Option<SystemTime>,
        context: Arc<Context>,
        scope: S,
    ) -> Self {
        Record {
            hash: prefix(hash),
            grant,
            expires: expires_at.map_or(NEVER, micros),
            context,
            scope,
        }
    }

    fn used(&self) -> bool {
        self.expires & USED != 0
    }

    fn expires(&self) -> u64 {
        self.expires & !USED
    }

    /// The record's token, found under `hash`.
    fn token(&self, hash: &TokenHash) -> NewToken<S> {
        let expires = self.expires();
        NewToken {
            token_hash: *hash,
            grant_id: self.grant,
            client_id: self.context.client_id().to_owned(),
            subject: self.context.subject().map(str::to_owned),
            scope: self.scope,
            expires_at: (expires != NEVER).then(|| UNIX_EPOCH + Duration::from_micros(expires)),
            extras: self.context.extras().clone(),
        }
    }
}

/// Truncated to the microsecond, like the durable stores' columns; a time before the epoch is
/// the epoch (long expired either way), and `NEVER` is out of reach (year 292,000).
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
    by_hash: HashTable<Record<S>>,
    /// One entry per record: a family's tokens that fall in this shard, by grant.
    by_grant: HashTable<Member>,
}

/// A record as the grant table knows it: 32 bits of its grant id, to hash on, and 32 bits of
/// its token hash, to find it by in `by_hash`. Either may collide; the record's full hash and
/// grant id decide.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Member {
    grant: [u8; 4],
    token: [u8; 4],
}

impl Member {
    fn of<S>(record: &Record<S>) -> Self {
        Member {
            grant: grant_bits(&record.grant),
            token: token_bits(&record.hash),
        }
    }

    fn hash(&self) -> u64 {
        spread(self.grant)
    }

    /// Whether `record` is this member's and of `grant`.
    fn is<S>(&self, record: &Record<S>, grant: &GrantId) -> bool {
        record.grant == *grant && token_bits(&record.hash) == self.token
    }
}

fn token_bits(hash: &Prefix) -> [u8; 4] {
    first_four(hash)
}

fn grant_bits(grant: &GrantId) -> [u8; 4] {
    first_four(grant.as_bytes())
}

fn first_four(bytes: &[u8]) -> [u8; 4] {
    let mut four = [0; 4];
    four.copy_from_slice(&bytes[..4]);
    four
}

/// 32 random bits over all 64 of a table hash: hashbrown takes the bucket from the low bits and
/// a tag from the top seven.
fn spread(bits: [u8; 4]) -> u64 {
    u64::from(u32::from_le_bytes(bits)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// What `by_hash` hashes a token on: 32 bits of its hash, so that a [`Member`] can find it.
fn key(hash: &Prefix) -> u64 {
    spread(token_bits(hash))
}

/// A shard growing past this many records would be beyond any memory this store could have;
/// refused rather than let a count wrap.
#[derive(Debug, thiserror::Error)]
#[error("memory store shard full")]
struct Full;

impl<S> Default for Tokens<S> {
    fn default() -> Self {
        let shard = || {
            RwLock::new(Shard {
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
        Self::write_shard(&self.shards[shard_of(&record.hash)]).insert(record)
    }

    /// The token stored under `hash`, and whether it has been used.
    pub(super) fn find(&self, hash: &TokenHash) -> Option<(NewToken<S>, bool)> {
        let shard = self.read(hash);
        shard.get(hash).map(|r| (r.token(hash), r.used()))
    }

    pub(super) fn grant_of(&self, hash: &TokenHash) -> Option<GrantId> {
        self.read(hash).get(hash).map(|r| r.grant)
    }

    /// Marks the token used: exactly one caller gets `Done`.
    pub(super) fn consume(&self, hash: &TokenHash) -> Exchange {
        let mut shard = self.write(hash);
        let hash = prefix(hash);
        let Some(record) = shard.by_hash.find_mut(key(&hash), |r| r.hash == hash) else {
            return Exchange::Missing;
        };
        if record.used() {
            return Exchange::AlreadyUsed;
        }
        record.expires |= USED;
        Exchange::Done
    }

    /// `true` if the token was stored.
    pub(super) fn remove(&self, hash: &TokenHash) -> bool {
        self.write(hash).remove(hash).is_some()
    }

    /// Removes every token of `grant`. A family's tokens may be in any shard, so this visits
    /// all of them: a revocation costs 256 lock round trips, which saves a per-grant list of
    /// hashes on every one of millions of live tokens.
    pub(super) fn remove_grant(&self, grant: &GrantId) {
        for shard in &self.shards {
            Self::write_shard(shard).remove_grant(grant);
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
            let shard = shard.read().unwrap_or_else(PoisonError::into_inner);
            shard.by_hash.len()
        };
        self.shards.iter().map(len).sum()
    }
}

impl<S: Copy> Shard<S> {
    fn get(&self, hash: &TokenHash) -> Option<&Record<S>> {
        let hash = prefix(hash);
        self.by_hash.find(key(&hash), |r| r.hash == hash)
    }

    fn insert(&mut self, record: Record<S>) -> Result<(), StoreError> {
        self.remove_prefix(&record.hash);
        if self.by_hash.len() >= u32::MAX as usize {
            return Err(StoreError::Other(Box::new(Full)));
        }
        let member = Member::of(&record);
        self.by_hash
            .insert_unique(key(&record.hash), record, |r| key(&r.hash));
        self.by_grant
            .insert_unique(member.hash(), member, Member::hash);
        Ok(())
    }

    fn remove(&mut self, hash: &TokenHash) -> Option<Record<S>> {
        self.remove_prefix(&prefix(hash))
    }

    fn remove_prefix(&mut self, hash: &Prefix) -> Option<Record<S>> {
        let entry = self
            .by_hash
            .find_entry(key(hash), |r| r.hash == *hash)
            .ok()?;
        let (record, _) = entry.remove();
        let member = Member::of(&record);
        if let Ok(entry) = self.by_grant.find_entry(member.hash(), |m| *m == member) {
            entry.remove();
        }
        Some(record)
    }

    fn remove_grant(&mut self, grant: &GrantId) {
        let bits = grant_bits(grant);
        loop {
            let Shard { by_hash, by_grant } = &mut *self;
            let of_grant = |m: &Member| {
                m.grant == bits && by_hash.find(spread(m.token), |r| m.is(r, grant)).is_some()
            };
            let Ok(entry) = by_grant.find_entry(spread(bits), of_grant) else {
                return;
            };
            let (member, _) = entry.remove();
            if let Ok(entry) = by_hash.find_entry(spread(member.token), |r| member.is(r, grant)) {
                entry.remove();
            }
        }
    }

    fn purge(&mut self, now: u64) -> usize {
        let before = self.by_hash.len();
        self.by_hash.retain(|r| r.expires() > now);
        let purged = before - self.by_hash.len();
        if purged > 0 {
            self.reindex();
        }
        purged
    }

    /// After a purge: the grant table again, and room given back that the purge left unused.
    fn reindex(&mut self) {
        let len = self.by_hash.len();
        self.by_hash.shrink_to(len, |r| key(&r.hash));
        self.by_grant.clear();
        self.by_grant.shrink_to(len, Member::hash);
        for record in &self.by_hash {
            let member = Member::of(record);
            self.by_grant
                .insert_unique(member.hash(), member, Member::hash);
        }
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
