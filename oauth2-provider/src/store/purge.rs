//! A background task that purges expired records from a token store.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::TokenStore;

/// A background task that purges expired codes and tokens at a fixed interval; dropping it (or
/// [`stop`](PurgeTask::stop)) stops it.
///
/// A run purges whatever the store's `purge_expired` does: `remember_once` keys and
/// [`StateStore`](super::StateStore) records too, in every store here. The memory store needs
/// one as much as a SQL store does, or expired records stay in memory: spawn it with
/// [`PurgeTask::spawn`] over an `Arc` of the store (a SQL store also has `spawn_purge`).
///
/// Each run is one [`TokenStore::purge_expired`], which deletes in bounded batches; a run that fails
/// (the database is down) is counted and retried at the next tick, and runs never pile up.
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
/// use std::time::Duration;
/// use oauth2_provider::store::SqliteStore;
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
///
/// let store: SqliteStore<S> = SqliteStore::open("oauth.db").await?;
/// let purge = store.spawn_purge(Duration::from_secs(60));
/// // ... serve ...
/// purge.stop();
/// # Ok(()) }
/// ```
#[must_use = "the purge stops as soon as its PurgeTask is dropped"]
pub struct PurgeTask {
    handle: tokio::task::JoinHandle<()>,
    stats: Arc<PurgeStats>,
}

#[derive(Default)]
struct PurgeStats {
    purged: AtomicU64,
    failures: AtomicU64,
}

impl PurgeTask {
    /// Purges `store` every `every`, the first time at once. Call it within a Tokio runtime.
    /// Any token store: an `Arc` of one shares it with the provider.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::{sync::Arc, time::Duration};
    /// use oauth2_provider::model::ClientRecord;
    /// use oauth2_provider::store::{MemoryStore, PurgeTask};
    /// # #[oauth2_provider::scopes(read = 1)] pub struct Scope;
    ///
    /// let store = Arc::new(MemoryStore::<ClientRecord<Scope>>::new());
    /// let purge = PurgeTask::spawn(Arc::clone(&store), Duration::from_secs(60));
    /// # purge.stop(); }
    /// ```
    pub fn spawn<St: TokenStore>(store: St, every: Duration) -> Self {
        let stats = Arc::new(PurgeStats::default());
        let task_stats = Arc::clone(&stats);
        let handle = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                match store.purge_expired(SystemTime::now()).await {
                    Ok(n) => {
                        task_stats.purged.fetch_add(n as u64, Ordering::Relaxed);
                    }
                    Err(_) => {
                        task_stats.failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
        PurgeTask { handle, stats }
    }

    /// How many records the task has purged so far.
    pub fn purged(&self) -> u64 {
        self.stats.purged.load(Ordering::Relaxed)
    }

    /// How many runs failed (and were retried at the next tick).
    pub fn failures(&self) -> u64 {
        self.stats.failures.load(Ordering::Relaxed)
    }

    /// Stops the task; a run in progress is abandoned, which leaves the database consistent
    /// because each batch is its own statement.
    pub fn stop(self) {}
}

impl Drop for PurgeTask {
    fn drop(&mut self) {
        self.handle.abort();
    }
}
