//! Refresh rotation with a grace period (RFC 9700 §4.14.2; FAPI 2.0's refresh test): a rotated
//! refresh token presented again shortly after its rotation, as a client that lost the
//! response does, gets a fresh pair instead of revoking its family; its successor stays valid.
//! Outside the period, or past the reuse count, it is reuse as before.
//!
//! Both facts live in the token store's `remember_once`, so every node agrees and concurrent
//! replays are counted exactly: a marker remembered at rotation until the period ends, and one
//! slot per allowed reuse, each won by exactly one caller.

use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::error::StoreError;
use crate::model::TokenHash;
use crate::store::TokenStore;

/// How long, and how often, a rotated refresh token may still be presented
/// ([`Config::refresh_grace`](crate::config::Config::refresh_grace)).
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::config::{Config, RefreshGrace};
///
/// assert!(RefreshGrace::default().is_strict()); // reuse revokes the family at once
/// let config = Config::builder()
///     .refresh_grace(RefreshGrace::new(Duration::from_secs(30)).reuses(3))
///     .build();
/// assert_eq!(config.refresh_grace.period(), Duration::from_secs(30));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RefreshGrace {
    period: Duration,
    reuses: u32,
}

impl RefreshGrace {
    /// A rotated token is still honoured for `period` after its rotation, once (see
    /// [`reuses`](Self::reuses)).
    pub fn new(period: Duration) -> Self {
        RefreshGrace { period, reuses: 1 }
    }

    /// At most `reuses` replays are honoured within the period; the next one is reuse.
    pub fn reuses(mut self, reuses: u32) -> Self {
        self.reuses = reuses;
        self
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// `true` when every replay is reuse: the default, RFC 9700's strict detection.
    pub fn is_strict(&self) -> bool {
        self.period.is_zero() || self.reuses == 0
    }
}

/// A `remember_once` key of `what` for the token `hash`, in its own namespace.
fn key(what: &str, hash: &TokenHash, slot: u32) -> TokenHash {
    let mut digest = Sha256::new();
    digest.update(b"oauth2-provider refresh-grace ");
    digest.update(what.as_bytes());
    digest.update(hash.as_bytes());
    digest.update(slot.to_be_bytes());
    TokenHash::from_bytes(digest.finalize().into())
}

/// Remembers that the token `hash` was rotated now, for the grace period.
pub(crate) async fn rotated<S: TokenStore>(
    store: &S,
    hash: &TokenHash,
    grace: RefreshGrace,
) -> Result<(), StoreError> {
    if grace.is_strict() {
        return Ok(());
    }
    let until = SystemTime::now() + grace.period;
    store.remember_once(&key("rotated", hash, 0), until).await?;
    Ok(())
}

/// Whether this replay of the rotated token `hash` is honoured: it was rotated within the
/// period, and a reuse slot is left (exactly one caller wins each).
pub(crate) async fn honoured<S: TokenStore>(
    store: &S,
    hash: &TokenHash,
    grace: RefreshGrace,
) -> Result<bool, StoreError> {
    if grace.is_strict() {
        return Ok(false);
    }
    let until = SystemTime::now() + grace.period;
    // `true` would mean the marker was gone (never set, or the period is over): reuse. The
    // marker this call leaves behind changes nothing, as reuse revokes the family.
    if store.remember_once(&key("rotated", hash, 0), until).await? {
        return Ok(false);
    }
    for slot in 0..grace.reuses {
        if store
            .remember_once(&key("reuse", hash, slot), until)
            .await?
        {
            return Ok(true);
        }
    }
    Ok(false)
}
