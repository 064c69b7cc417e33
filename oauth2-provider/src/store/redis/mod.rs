//! The Redis store (feature `redis`): codes and tokens that expire natively, and clients.

mod client_feed;
mod clients;
mod connection;
mod fields;
#[cfg(feature = "jwt")]
mod keys;
mod script;
mod state;
mod tokens;

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use redis::{RedisError, RetryMethod};

use self::connection::Conn;
use self::fields::Fields;
use super::client_cache::{CachedClients, ClientCache, Feed};
use super::row::Records;
use crate::error::StoreError;
use crate::model::{
    AccessKind, ClientRecord, CodeRecord, FamilyTag, GrantId, RefreshKind, TokenHash, TokenRecord,
};

/// A store in Redis: codes and tokens with native expiry, and the clients.
///
/// Every key starts with a prefix (`oauth2:` unless configured); the braces below mark the
/// parts of a name, none is a hash tag (on a Redis Cluster the keys of codes, tokens and
/// grants carry one, [below](#redis-cluster)):
///
/// | key | type | holds | expires |
/// |---|---|---|---|
/// | `{prefix}client:{hex client_id}` | hash | a [`ClientRecord`](crate::model::ClientRecord) | never |
/// | `{prefix}clients` | set | every client id | never |
/// | `{prefix}code:{hex hash}` | hash | a code, and whether it was used | with the code |
/// | `{prefix}access:{hex hash}` | hash | an access token | with the token |
/// | `{prefix}refresh:{hex hash}` | hash | a refresh token, and whether it was rotated | with the token, or never |
/// | `{prefix}grant:{hex grant id}` | set | the keys of a grant's code and tokens | with the last of them |
/// | `{prefix}once:{hex key}` | string | a key `remember_once` remembers | when it is forgotten |
/// | `{prefix}state:{hex key}` | hash | a [`StateStore`](crate::store::StateStore) record: `value`, `version`, `expires_at` (µs) | at `expires_at` |
/// | `{prefix}key:{kid}` | hash | a signing key (feature `jwt`) | never |
/// | `{prefix}keys` | set | every signing key's `kid` | never |
///
/// A code, token or state key expires at the record's own expiry, so [`purge_expired`] has
/// nothing to do, and a used code stays until then: presenting it again is caught as a
/// replay. Only SHA-256 hashes of codes and tokens are stored; keys name them in hex.
///
/// Clients are kept in Redis too, as plain keys without expiry: run Redis with persistence
/// (AOF or RDB snapshots) or keep clients elsewhere, in a [`ClientStore`](crate::store::ClientStore) of your own, because a
/// Redis restart without persistence loses them along with every token.
///
/// Every operation that touches several keys is one Lua script (`EVALSHA`), so consuming a
/// code or refresh token, storing its successors and indexing them under their grant happen
/// atomically, and so does revoking a grant: exactly one request across all nodes wins a code.
/// Saving a client or signing key adds its id to the list, then writes the record (deleting
/// goes the other way round), as two commands, so listing skips one half saved. Requires
/// Redis 7 or later (`PEXPIRETIME`). Expiry follows the Redis server's clock: keep it in sync
/// with the provider nodes'.
///
/// # Redis Cluster
///
/// [`cluster`](Self::cluster) connects to a Redis Cluster instead, where one script may only
/// touch keys of one hash slot. There the keys of a grant family carry its
/// [`FamilyTag`](crate::model::FamilyTag) in braces, a hash tag, after the kind: `code:`,
/// `access:`, `refresh:` and `grant:` are followed by `{Qx}:` (the tag's two characters) and
/// then the hex as above, for example `oauth2:access:{Qx}:9f86…`. Every code and
/// token the runtime issues begins with its family's tag (12 bits of the random grant id), so
/// the slot of a family is known from a presented token alone and from a grant id, and each
/// script above runs on one slot, with the same guarantees as on one Redis. The other keys
/// (clients, signing keys, `once`, `state`) are read and written one at a time and carry no
/// tag. A prefix holding a `{...}` hash tag of its own puts every key in one slot, which works
/// but spreads nothing.
///
/// On a cluster, a code or token that names no family (see
/// [`TokenHash::family`](crate::model::TokenHash::family)) is never found, and one whose
/// family is not its grant's is refused when stored ([`StoreError::Other`]): mint your own
/// with [`generate_token_for`](crate::secret::generate_token_for). On one Redis the tag plays
/// no part and the names are as in the table, so tokens stored before tags existed keep
/// working. Moving from one Redis to a cluster starts from an empty token keyspace, and keys
/// an earlier version of this store wrote on a cluster, without tags, are not found.
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
/// use oauth2_provider::store::{RedisOptions, RedisStore};
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
///
/// let nodes = ["redis://10.0.0.1:6379", "redis://10.0.0.2:6379", "redis://10.0.0.3:6379"];
/// let store: RedisStore<S> =
///     RedisStore::cluster_with(&nodes, RedisOptions::new().prefix("auth:")).await?;
/// # Ok(()) }
/// ```
///
/// Commands time out after [`RedisOptions::timeout`] and fail with
/// [`StoreError::Unavailable`]; the connection reconnects by itself when Redis is back (on a
/// cluster, it follows `MOVED` and `ASK` and refreshes its slot map by itself, within the same
/// timeout).
///
/// [`purge_expired`]: crate::store::TokenStore::purge_expired
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
/// use oauth2_provider::store::{RedisOptions, RedisStore};
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
///
/// let store: RedisStore<S> =
///     RedisStore::connect_with("redis://127.0.0.1:6379", RedisOptions::new().prefix("auth:")).await?;
/// # Ok(()) }
/// ```
pub struct RedisStore<
    S,
    K = CodeRecord<S>,
    A = TokenRecord<S, AccessKind>,
    R = TokenRecord<S, RefreshKind>,
> {
    conn: Conn,
    prefix: Arc<str>,
    clients: Arc<CachedClients<ClientRecord<S>>>,
    /// Where the client cache's subscription connects: the URLs the store was given.
    subscribe_to: Arc<[redis::Client]>,
    records: Records<S, K, A, R>,
}

/// How a [`RedisStore`] connects and names its keys.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::store::RedisOptions;
/// let options = RedisOptions::new().prefix("tenant_a:oauth2:").timeout(Duration::from_secs(1));
/// ```
#[derive(Clone, Debug)]
pub struct RedisOptions {
    prefix: String,
    timeout: Duration,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: "oauth2:".to_owned(),
            timeout: Duration::from_secs(2),
        }
    }
}

impl RedisOptions {
    /// Prefix `oauth2:`, a 2 s timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// What every key of the store starts with, so several stores can share one Redis; a `:`
    /// is added if it does not end with one.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        if !self.prefix.ends_with(':') {
            self.prefix.push(':');
        }
        self
    }

    /// How long connecting, and each command, may take before failing with
    /// [`StoreError::Unavailable`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl<S: Send + Sync + 'static, K, A, R> RedisStore<S, K, A, R> {
    /// Connects to `url` (`redis://host:port/db`) with the default [`RedisOptions`].
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::store::RedisStore;
    /// let store: RedisStore<S> = RedisStore::connect("redis://127.0.0.1:6379").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, RedisOptions::new()).await
    }

    /// Connects to `url`; fails with [`StoreError::Unavailable`] if Redis cannot be reached.
    pub async fn connect_with(url: &str, options: RedisOptions) -> Result<Self, StoreError> {
        let conn = Conn::single(url, options.timeout).await?;
        Ok(Self::over(conn, &[url], options))
    }

    /// Connects to the Redis Cluster that `nodes` (`redis://host:port` each; one reachable
    /// primary is enough, the others are found through it) belong to, with the default
    /// [`RedisOptions`].
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::store::RedisStore;
    /// let store: RedisStore<S> =
    ///     RedisStore::cluster(&["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn cluster(nodes: &[&str]) -> Result<Self, StoreError> {
        Self::cluster_with(nodes, RedisOptions::new()).await
    }

    /// Connects to a Redis Cluster as [`cluster`](Self::cluster) does; fails with
    /// [`StoreError::Unavailable`] if no node of `nodes` can be reached.
    pub async fn cluster_with(nodes: &[&str], options: RedisOptions) -> Result<Self, StoreError> {
        let conn = Conn::cluster(nodes, options.timeout).await?;
        Ok(Self::over(conn, nodes, options))
    }

    fn over(conn: Conn, urls: &[&str], options: RedisOptions) -> Self {
        // Connecting succeeded through these URLs, so they parse.
        let subscribe_to = urls
            .iter()
            .filter_map(|url| redis::Client::open(*url).ok())
            .collect();
        RedisStore {
            conn,
            prefix: options.prefix.into(),
            clients: CachedClients::new(ClientCache::off(), Feed::None),
            subscribe_to,
            records: PhantomData,
        }
        .client_cache(ClientCache::DEFAULT)
    }

    /// Keeps clients in memory as `cache` says ([`ClientCache::default`] unless set), each
    /// node forgetting what another changes through its subscription to `{prefix}clients`.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), oauth2_provider::StoreError> {
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// use oauth2_provider::store::{ClientCache, RedisStore};
    /// let store: RedisStore<S> = RedisStore::connect("redis://127.0.0.1:6379")
    ///     .await?
    ///     .client_cache(ClientCache::off());
    /// # Ok(()) }
    /// ```
    pub fn client_cache(mut self, cache: ClientCache) -> Self {
        self.clients = CachedClients::new(cache, Feed::Notified);
        let (urls, channel) = (Arc::clone(&self.subscribe_to), self.clients_channel());
        self.clients
            .follow(|cache| client_feed::follow(urls, channel, cache));
        self
    }

    /// The channel client changes are published on.
    fn clients_channel(&self) -> String {
        format!("{}clients", self.prefix)
    }
}

impl<S, K, A, R> RedisStore<S, K, A, R> {
    /// The prefix of every key of the store.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, kind: &str, id: &[u8]) -> String {
        self.key_in(kind, None, id)
    }

    /// `{prefix}{kind}:`, then the hash tag `{tag}:` if given, then `id` in hex.
    fn key_in(&self, kind: &str, tag: Option<FamilyTag>, id: &[u8]) -> String {
        let mut key = String::with_capacity(self.prefix.len() + kind.len() + 6 + 2 * id.len());
        key.push_str(&self.prefix);
        key.push_str(kind);
        key.push(':');
        if let Some(tag) = tag {
            key.push('{');
            key.push_str(tag.as_str());
            key.push_str("}:");
        }
        for byte in id {
            key.push(char::from(HEX[usize::from(byte >> 4)]));
            key.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        key
    }

    /// The key of a grant family's code or token: on a cluster in the slot of the family its
    /// secret names, `None` there for one that names none (never stored on a cluster).
    fn family_key(&self, kind: &str, hash: &TokenHash) -> Option<String> {
        if !self.conn.is_cluster() {
            return Some(self.key(kind, hash.as_bytes()));
        }
        let tag = hash.family()?;
        Some(self.key_in(kind, Some(tag), hash.as_bytes()))
    }

    /// The key of a code or token being stored for `grant_id`: on a cluster it must be of the
    /// grant's family, or the script storing it would span two slots.
    fn member_key(
        &self,
        kind: &str,
        hash: &TokenHash,
        grant_id: GrantId,
    ) -> Result<String, StoreError> {
        match self.family_key(kind, hash) {
            Some(key) if !self.conn.is_cluster() || hash.family() == Some(grant_id.family()) => {
                Ok(key)
            }
            _ => Err(StoreError::Other(
                format!(
                    "this {kind} record is not of its grant's family, so a Redis Cluster \
                     cannot keep it with the grant; mint it with secret::generate_token_for"
                )
                .into(),
            )),
        }
    }

    /// On a cluster in the family's slot, with its codes and tokens.
    fn grant_key(&self, grant_id: GrantId) -> String {
        let tag = self.conn.is_cluster().then(|| grant_id.family());
        self.key_in("grant", tag, grant_id.as_bytes())
    }

    /// The id in hex, like every other key's: a client id may hold `:`, and raw it could make
    /// one prefix's key another prefix's (`a` + `client:xclient:foo` is `aclient:x`'s `foo`).
    fn client_key(&self, client_id: &str) -> String {
        self.key("client", client_id.as_bytes())
    }

    fn clients_key(&self) -> String {
        format!("{}clients", self.prefix)
    }

    async fn fields(&self, key: &str) -> Result<Option<Fields>, StoreError> {
        let map: HashMap<String, Vec<u8>> = redis::cmd("HGETALL")
            .arg(key)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok((!map.is_empty()).then_some(Fields(map)))
    }
}

impl<S, K, A, R> Clone for RedisStore<S, K, A, R> {
    fn clone(&self) -> Self {
        RedisStore {
            conn: self.conn.clone(),
            prefix: Arc::clone(&self.prefix),
            clients: Arc::clone(&self.clients),
            subscribe_to: Arc::clone(&self.subscribe_to),
            records: PhantomData,
        }
    }
}

impl<S, K, A, R> fmt::Debug for RedisStore<S, K, A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Connection trouble (refused, dropped, timed out) and a server that says "not now"
/// (`LOADING`, `MASTERDOWN`, `TRYAGAIN`) are [`StoreError::Unavailable`]; a script error or an
/// unexpected reply is [`StoreError::Other`].
fn redis_error(err: RedisError) -> StoreError {
    if err.is_io_error() || !matches!(err.retry_method(), RetryMethod::NoRetry) {
        StoreError::Unavailable(Box::new(err))
    } else {
        StoreError::Other(Box::new(err))
    }
}
