//! The durable stores' bounded cache of clients: every token request looks its client up, and
//! clients change rarely, so a node answers from memory and reads the database only for a
//! client it has not seen within the cache's time to live.

// The feeds are PostgreSQL's and Redis's; SQLite and MySQL alone build none.
#![cfg_attr(not(any(feature = "postgres", feature = "redis")), allow(dead_code))]

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::error::StoreError;

/// How many clients a durable store keeps in memory, and for how long.
///
/// A client saved or deleted through a store is dropped from that store's cache (and its
/// clones') at once. Other nodes learn of it as each store allows:
///
/// - **PostgreSQL** (on by default): a trigger on `oauth_clients` notifies every node
///   (`LISTEN`/`NOTIFY`) of any change, whoever made it (another node, the example's
///   `client` admin commands, plain SQL), so a node is stale only for the notification's
///   delivery, a few milliseconds. While a node's listening connection is down it caches
///   nothing and reads the database every time.
/// - **Redis** (on by default): the store publishes each change it makes on the channel
///   `{prefix}clients`, which every node subscribes to, with the same rule while the
///   subscription is down. A change written to Redis by anything else than a store is
///   seen only when the entry's time to live runs out.
/// - **SQLite and MySQL** (off by default): no notification; a cache you turn on is stale
///   for up to `ttl` after another process's change. A rotated secret, a removed redirect
///   URI or a deleted client can be used there for that long.
///
/// Unknown client ids are never cached, so a client registered anywhere is found everywhere
/// at once. The default keeps 4096 clients for 10 seconds; [`ClientCache::off`] reads the
/// database on every lookup.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::store::ClientCache;
/// let cache = ClientCache::new(10_000, Duration::from_secs(2));
/// assert_eq!(cache.capacity(), 10_000);
/// assert!(!ClientCache::off().is_on());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientCache {
    capacity: usize,
    ttl: Duration,
}

impl ClientCache {
    /// At most `capacity` clients, each kept `ttl` after it was read.
    pub const fn new(capacity: usize, ttl: Duration) -> Self {
        ClientCache { capacity, ttl }
    }

    /// No cache: every lookup reads the database.
    pub const fn off() -> Self {
        ClientCache::new(0, Duration::ZERO)
    }

    /// How many clients are kept at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How long a client is kept after it was read.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Whether anything is kept.
    pub fn is_on(&self) -> bool {
        self.capacity > 0 && !self.ttl.is_zero()
    }
}

impl ClientCache {
    /// 4096 clients for 10 seconds.
    pub(crate) const DEFAULT: ClientCache = ClientCache::new(4096, Duration::from_secs(10));
}

impl Default for ClientCache {
    fn default() -> Self {
        ClientCache::DEFAULT
    }
}

/// Whether other nodes' changes reach this cache.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feed {
    /// No feed: entries live out their time to live.
    None,
    /// A feed (notifications, a subscription) forgets what other nodes change; nothing is
    /// cached while it is down.
    Notified,
}

const ALWAYS: u8 = 0;
const LIVE: u8 = 1;
const DOWN: u8 = 2;

/// The cache itself, shared by a store's clones.
pub(crate) struct CachedClients<C> {
    settings: ClientCache,
    entries: RwLock<HashMap<Box<str>, Entry<C>>>,
    /// Bumped by every change, so a read that raced one does not cache what it read.
    changes: AtomicU64,
    /// [`ALWAYS`] without a feed, else [`LIVE`] or [`DOWN`].
    feed: AtomicU8,
    /// The task that follows the feed, stopped with the cache.
    follower: Mutex<Option<tokio::task::AbortHandle>>,
}

struct Entry<C> {
    client: Arc<C>,
    read_at: Instant,
}

/// Taken before reading the database; [`CachedClients::put`] keeps the client only if no
/// change happened since.
#[derive(Clone, Copy)]
struct Ticket(u64);

impl<C> CachedClients<C> {
    pub(crate) fn new(settings: ClientCache, feed: Feed) -> Arc<Self> {
        Arc::new(CachedClients {
            settings,
            entries: RwLock::new(HashMap::new()),
            changes: AtomicU64::new(0),
            feed: AtomicU8::new(if feed == Feed::None { ALWAYS } else { DOWN }),
            follower: Mutex::new(None),
        })
    }

    /// Whether entries may be read and kept now.
    fn usable(&self) -> bool {
        self.settings.is_on() && self.feed.load(Ordering::Acquire) != DOWN
    }

    /// The client `client_id` names: from the cache if read within the time to live, else
    /// from what `read` reads (the database), kept if found. A closure, not a future, so this
    /// `async fn` does not hold the read's future twice.
    pub(crate) async fn find<F>(
        &self,
        client_id: &str,
        read: impl FnOnce() -> F,
    ) -> Result<Option<Arc<C>>, StoreError>
    where
        F: Future<Output = Result<Option<Arc<C>>, StoreError>>,
    {
        if let Some(cached) = self.get(client_id) {
            return Ok(Some(cached));
        }
        let ticket = self.ticket();
        let found = read().await?;
        if let Some(found) = &found {
            self.put(client_id, found, ticket);
        }
        Ok(found)
    }

    /// The client, if read within the time to live.
    fn get(&self, client_id: &str) -> Option<Arc<C>> {
        if !self.usable() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(client_id)?;
        (entry.read_at.elapsed() < self.settings.ttl).then(|| Arc::clone(&entry.client))
    }

    fn ticket(&self) -> Ticket {
        Ticket(self.changes.load(Ordering::Acquire))
    }

    /// Keeps `client`, read from the database after `ticket` was taken, unless a change came
    /// in between (it may have read the record before the change). When full, expired entries
    /// go first, then an arbitrary one.
    fn put(&self, client_id: &str, client: &Arc<C>, ticket: Ticket) {
        if !self.usable() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        // Under the lock: a change bumps the counter before it takes the lock to evict, so
        // either it is seen here or its eviction comes after this insertion.
        if self.changes.load(Ordering::Acquire) != ticket.0 {
            return;
        }
        if entries.len() >= self.settings.capacity && !entries.contains_key(client_id) {
            let ttl = self.settings.ttl;
            entries.retain(|_, entry| entry.read_at.elapsed() < ttl);
            if entries.len() >= self.settings.capacity {
                let victim = entries.keys().next().cloned();
                if let Some(victim) = victim {
                    entries.remove(&victim);
                }
            }
        }
        let entry = Entry {
            client: Arc::clone(client),
            read_at: Instant::now(),
        };
        entries.insert(client_id.into(), entry);
    }

    /// Forgets `client_id`; call it after the database changed it.
    pub(crate) fn forget(&self, client_id: &str) {
        self.changes.fetch_add(1, Ordering::AcqRel);
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        entries.remove(client_id);
    }

    /// The feed is up (listening again after [`feed_down`](Self::feed_down)): what changes
    /// from now on reaches the cache.
    pub(crate) fn feed_up(&self) {
        self.feed.store(LIVE, Ordering::Release);
    }

    /// The feed is down: changes may be missed, so everything goes and nothing is kept until
    /// it is up again.
    pub(crate) fn feed_down(&self) {
        self.feed.store(DOWN, Ordering::Release);
        self.forget_all();
    }

    /// Forgets every client (the feed said "all of them", or cannot say which).
    pub(crate) fn forget_all(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Runs `follow` (which holds only a weak reference) as the feed's task while the cache
    /// lives; without a Tokio runtime there is no feed, and nothing is cached.
    pub(crate) fn follow<F>(self: &Arc<Self>, follow: impl FnOnce(std::sync::Weak<Self>) -> F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        if !self.settings.is_on() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let task = runtime.spawn(follow(Arc::downgrade(self)));
        *self.follower.lock().unwrap_or_else(|e| e.into_inner()) = Some(task.abort_handle());
    }
}

impl<C> Drop for CachedClients<C> {
    fn drop(&mut self) {
        let follower = self.follower.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(task) = follower.take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(capacity: usize, ttl: Duration) -> Arc<CachedClients<String>> {
        CachedClients::new(ClientCache::new(capacity, ttl), Feed::None)
    }

    #[test]
    fn a_client_is_kept_until_forgotten() {
        let cache = cache(4, Duration::from_secs(60));
        let ticket = cache.ticket();
        cache.put("a", &Arc::new("v1".to_owned()), ticket);
        assert_eq!(cache.get("a").as_deref().map(String::as_str), Some("v1"));
        cache.forget("a");
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let cache = cache(4, Duration::from_secs(60));
        let ticket = cache.ticket();
        cache.forget("a");
        cache.put("a", &Arc::new("stale".to_owned()), ticket);
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn an_entry_expires_with_its_time_to_live() {
        let cache = cache(4, Duration::from_millis(20));
        cache.put("a", &Arc::new("v1".to_owned()), cache.ticket());
        assert!(cache.get("a").is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn it_never_holds_more_than_its_capacity() {
        let cache = cache(3, Duration::from_secs(60));
        for id in ["a", "b", "c", "d", "e"] {
            cache.put(id, &Arc::new(id.to_owned()), cache.ticket());
        }
        let kept = ["a", "b", "c", "d", "e"]
            .iter()
            .filter(|id| cache.get(id).is_some())
            .count();
        assert_eq!(kept, 3);
        assert!(cache.get("e").is_some(), "the newest is kept");
    }

    #[test]
    fn nothing_is_kept_while_the_feed_is_down() {
        let cache = CachedClients::new(ClientCache::default(), Feed::Notified);
        cache.put("a", &Arc::new("v1".to_owned()), cache.ticket());
        assert!(cache.get("a").is_none(), "down until the feed is up");
        cache.feed_up();
        let ticket = cache.ticket();
        cache.put("a", &Arc::new("v1".to_owned()), ticket);
        assert!(cache.get("a").is_some());
        cache.feed_down();
        assert!(cache.get("a").is_none(), "a change may have been missed");
        cache.feed_up();
        cache.put("a", &Arc::new("v1".to_owned()), ticket);
        assert!(cache.get("a").is_none(), "read before the feed went down");
    }

    #[test]
    fn off_keeps_nothing() {
        let cache = CachedClients::new(ClientCache::off(), Feed::None);
        cache.put("a", &Arc::new("v1".to_owned()), cache.ticket());
        assert!(cache.get("a").is_none());
    }
}
