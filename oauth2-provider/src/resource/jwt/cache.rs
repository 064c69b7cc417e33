//! The access tokens a [`JwtValidator`](super::JwtValidator) verified, by the SHA-256 of the
//! token, so that the same token presented again costs a hash and a lookup instead of a
//! signature verification (BENCHMARKS.md, "JWT access tokens": one to two orders of
//! magnitude).
//!
//! Only tokens that passed every check get in, so a flood of forged tokens never fills it. A
//! hit is what a full validation at that instant would answer: nothing but the clock changes
//! the outcome for the same token and keys (the keys are the validator's, and a new key set
//! comes with a new cache), and the clock is checked again: `exp` with the same leeway, and a
//! hit before the instant the token was verified (the clock set back) is a miss, so `nbf`
//! holds as it held then.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest as _, Sha256};

use super::AccessTokenClaims;

/// At most `capacity` verified tokens.
pub(super) struct Cache {
    capacity: usize,
    state: Mutex<State>,
}

struct State {
    entries: HashMap<[u8; 32], Entry>,
    /// A full cache drops its expired entries at most this often: a sweep walks them all,
    /// which must not happen on every insert.
    next_sweep: Duration,
}

const SWEEP_EVERY: Duration = Duration::from_secs(10);

struct Entry {
    claims: AccessTokenClaims,
    /// When its validation finished, since the epoch.
    verified_at: Duration,
    /// `exp` plus the leeway: from then on the token is expired.
    expires_at: Duration,
}

/// The key of `token` in the cache. A bearer token is a credential: its digest is kept, not
/// the token.
pub(super) fn key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn since_epoch(now: SystemTime) -> Duration {
    now.duration_since(UNIX_EPOCH).unwrap_or_default()
}

impl Cache {
    pub(super) fn new(capacity: usize) -> Self {
        Cache {
            capacity,
            state: Mutex::new(State {
                entries: HashMap::with_capacity(capacity.min(4096)),
                next_sweep: Duration::ZERO,
            }),
        }
    }

    pub(super) fn capacity(&self) -> usize {
        self.capacity
    }

    /// The claims of the token with this key, verified before `now` and not expired at `now`.
    pub(super) fn get(&self, key: &[u8; 32], now: SystemTime) -> Option<AccessTokenClaims> {
        let now = since_epoch(now);
        let entries = &mut self.lock().entries;
        let entry = entries.get(key)?;
        if now >= entry.expires_at {
            entries.remove(key);
            return None;
        }
        (now >= entry.verified_at).then(|| entry.claims.clone())
    }

    /// Keeps `claims`, which a validation finished at `verified_at` accepted with `leeway` on
    /// `exp`. When full, the expired entries go (every [`SWEEP_EVERY`] at most), else an
    /// arbitrary one.
    pub(super) fn insert(
        &self,
        key: [u8; 32],
        claims: &AccessTokenClaims,
        verified_at: SystemTime,
        leeway: Duration,
    ) {
        if self.capacity == 0 {
            return;
        }
        let verified_at = since_epoch(verified_at);
        let expires_at = Duration::from_secs(claims.exp).saturating_add(leeway);
        let mut state = self.lock();
        let state = &mut *state;
        let entries = &mut state.entries;
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            if verified_at >= state.next_sweep {
                entries.retain(|_, entry| verified_at < entry.expires_at);
                state.next_sweep = verified_at.saturating_add(SWEEP_EVERY);
            }
            if entries.len() >= self.capacity
                && let Some(evicted) = entries.keys().next().copied()
            {
                entries.remove(&evicted);
            }
        }
        let claims = claims.clone();
        entries.insert(
            key,
            Entry {
                claims,
                verified_at,
                expires_at,
            },
        );
    }

    /// How many tokens it holds now.
    pub(super) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held left the map whole (no operation on it panics
        // half-way through an update), so a poisoned lock is still a good cache.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}
