//! Storage, in two traits: [`ClientStore`] finds (and may register) clients, [`TokenStore`]
//! keeps codes and tokens. A provider names one of each; they may be the same value (every
//! store here is both, over the ready-made [`ClientRecord`](crate::model::ClientRecord) or, for
//! the memory store, any client type), or a client store over the application's own table
//! beside any token store.
//!
//! The runtime never mutates a record in place. It issues (inserts), looks up, exchanges
//! (atomically consumes a code or refresh token *and* inserts what replaces it) and revokes.
//! Making exchange one atomic step is what keeps codes and refresh tokens single-use under any
//! concurrency: exactly one caller sees [`Exchange::Done`], every other sees
//! [`Exchange::AlreadyUsed`], and the tokens a code or refresh token issued exist from the
//! instant it was consumed, so revoking the grant on a replay always catches them.
//!
//! [`StateStore`] keeps small expiring, versioned records (sessions, remembered consent,
//! single-use request URIs and nonces) that every node shares; every store here is one. With
//! the feature `jwt`, `KeyStore` keeps the provider's signing keys; every store here is one
//! too.

#[cfg(any(
    feature = "sqlite",
    feature = "postgres",
    feature = "mysql",
    feature = "redis"
))]
mod client_cache;
#[cfg(feature = "jwt")]
mod keys;
mod memory;
#[cfg(feature = "tokio")]
mod purge;
#[cfg(feature = "redis")]
mod redis;
#[cfg(any(
    feature = "sqlite",
    feature = "postgres",
    feature = "mysql",
    feature = "redis"
))]
mod row;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod sql;
mod state;
mod state_ref;
#[cfg(feature = "testing")]
pub mod testing;

use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

#[cfg(any(
    feature = "sqlite",
    feature = "postgres",
    feature = "mysql",
    feature = "redis"
))]
pub use client_cache::ClientCache;
#[cfg(feature = "jwt")]
pub use keys::{KeyStore, StoredKey};
pub use memory::MemoryStore;
#[cfg(feature = "tokio")]
pub use purge::PurgeTask;
#[cfg(feature = "redis")]
pub use redis::{RedisOptions, RedisStore};
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use sql::{Dialect, SqlStore};
#[cfg(feature = "mysql")]
pub use sql::{MySql, MysqlOptions, MysqlStore};
#[cfg(feature = "postgres")]
pub use sql::{Postgres, PostgresOptions, PostgresStore};
#[cfg(feature = "sqlite")]
pub use sql::{Sqlite, SqliteStore};
pub use state::{MAX_STATE_LEN, StateKey, StateStore, StoredState};
pub use state_ref::StateRef;

use crate::error::StoreError;
use crate::model::{AccessToken, AuthorizationCode, GrantId, OAuthClient, RefreshToken, TokenHash};
use crate::scope::Scopes;

/// The outcome of consuming a code or a refresh token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exchange {
    /// This caller consumed it; the replacement tokens are stored.
    Done,
    /// It was consumed before (or concurrently, by another caller): a replay. Nothing was stored.
    AlreadyUsed,
    /// It does not exist (never issued, purged, or its grant was revoked). Nothing was stored.
    Missing,
}

/// A record that can be consumed once (a refresh token), with whether it has been.
#[derive(Debug)]
pub struct Stored<T> {
    /// The record.
    pub record: Arc<T>,
    /// `true` once rotated: presenting it again is a replay.
    pub consumed: bool,
}

/// Where clients are found: the ready-made stores, or the application's own table.
///
/// Only [`find_client`](ClientStore::find_client) is required; registration
/// (`save_client`, `delete_client`, `list_clients`) is for stores that keep clients themselves,
/// and fails with [`StoreError::Unsupported`] otherwise.
///
/// ```
/// use std::sync::Arc;
/// use oauth2_provider::StoreError;
/// use oauth2_provider::store::ClientStore;
/// # use oauth2_provider::model::OAuthClient;
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// # struct App { id: String, uris: Vec<String> }
/// # impl OAuthClient for App { type Scope = S; fn client_id(&self) -> &str { &self.id }
/// #   fn secret_hash(&self) -> Option<&str> { None } fn redirect_uris(&self) -> &[String] { &self.uris }
/// #   fn allowed_scope(&self) -> S { S(0) } }
///
/// /// The application's own registry, read-only to the provider.
/// struct Apps(Vec<Arc<App>>);
///
/// impl ClientStore for Apps {
///     type Client = App;
///     async fn find_client(&self, client_id: &str) -> Result<Option<Arc<App>>, StoreError> {
///         Ok(self.0.iter().find(|app| app.id == client_id).cloned())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a client store",
    label = "implement `ClientStore` for it: `find_client` is all it takes"
)]
pub trait ClientStore: Send + Sync + 'static {
    /// The client model.
    type Client: OAuthClient;

    /// The client registered as `client_id`.
    fn find_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<Option<Arc<Self::Client>>, StoreError>> + Send;

    /// Adds a client, or replaces the one with the same id.
    fn save_client(
        &self,
        client: Self::Client,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let _ = client;
        async { Err(StoreError::Unsupported("this client store is read-only")) }
    }

    /// Removes a client; `true` if it existed. Its tokens stay until they expire or are
    /// revoked.
    fn delete_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        let _ = client_id;
        async { Err(StoreError::Unsupported("this client store is read-only")) }
    }

    /// Every client, ordered by id.
    fn list_clients(
        &self,
    ) -> impl Future<Output = Result<Vec<Arc<Self::Client>>, StoreError>> + Send {
        async {
            Err(StoreError::Unsupported(
                "this client store cannot list its clients",
            ))
        }
    }
}

/// Where codes and tokens live.
///
/// Implementations: [`MemoryStore`] here; SQLite, PostgreSQL, MySQL/MariaDB and Redis behind
/// features of their own. Every method is one round trip (a few in a `RedisStore` on a Redis
/// Cluster) and must be safe under concurrent callers on many provider nodes. Lookups may
/// return expired records; the runtime checks expiry.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a token store",
    label = "use one of `oauth2_provider::store`'s, or implement `TokenStore` (its conformance suite is `store::testing`, feature `testing`)"
)]
pub trait TokenStore: Send + Sync + 'static {
    /// The provider's scope type.
    type Scope: Scopes;
    /// The authorization code record.
    type Code: AuthorizationCode<Scope = Self::Scope>;
    /// The access token record.
    type AccessToken: AccessToken<Scope = Self::Scope>;
    /// The refresh token record.
    type RefreshToken: RefreshToken<Scope = Self::Scope>;

    /// Stores a new authorization code.
    fn insert_code(&self, code: Self::Code) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The code with this hash, used or not, until it expires or its grant is revoked.
    fn find_code(
        &self,
        code_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<Arc<Self::Code>>, StoreError>> + Send;

    /// Atomically marks the code used and stores the tokens it is exchanged for.
    fn exchange_code(
        &self,
        code_hash: &TokenHash,
        access: Self::AccessToken,
        refresh: Option<Self::RefreshToken>,
    ) -> impl Future<Output = Result<Exchange, StoreError>> + Send;

    /// Stores tokens issued without consuming anything (password, client credentials, implicit,
    /// extension grants).
    fn insert_tokens(
        &self,
        access: Self::AccessToken,
        refresh: Option<Self::RefreshToken>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The access token with this hash, if stored and not revoked.
    fn find_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<Arc<Self::AccessToken>>, StoreError>> + Send;

    /// The refresh token with this hash, rotated or not, until its grant is revoked.
    fn find_refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<Stored<Self::RefreshToken>>, StoreError>> + Send;

    /// Atomically marks the refresh token rotated and stores its successors.
    fn rotate_refresh_token(
        &self,
        token_hash: &TokenHash,
        access: Self::AccessToken,
        refresh: Self::RefreshToken,
    ) -> impl Future<Output = Result<Exchange, StoreError>> + Send;

    /// Revokes one access token; `true` if it existed.
    fn revoke_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Revokes a whole grant: its code and every access and refresh token issued from it.
    fn revoke_grant(
        &self,
        grant_id: GrantId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes codes, tokens, `remember_once` keys and, in a store that is a [`StateStore`]
    /// too, state records that expired before `now`; returns how many records went.
    fn purge_expired(
        &self,
        now: SystemTime,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send;

    /// Remembers `key` until `until`, once: `true` for the call that remembered it (the key
    /// was unknown, or remembered until a time that has passed), `false` for every other
    /// while it is remembered. Exactly one of concurrent callers on any number of nodes gets
    /// `true`. What replay checks stand on: a JWT `jti`, a DPoP proof, a one-time request URI.
    /// `key` is the SHA-256 of a namespaced value, so any value fits a store's column.
    fn remember_once(
        &self,
        key: &TokenHash,
        until: SystemTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// A shared store is a store: `Arc<MemoryStore<App>>` serves two providers, or a provider and
/// a `PurgeTask`.
impl<T: ClientStore> ClientStore for Arc<T> {
    type Client = T::Client;

    fn find_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<Option<Arc<Self::Client>>, StoreError>> + Send {
        T::find_client(self, client_id)
    }

    fn save_client(
        &self,
        client: Self::Client,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        T::save_client(self, client)
    }

    fn delete_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        T::delete_client(self, client_id)
    }

    fn list_clients(
        &self,
    ) -> impl Future<Output = Result<Vec<Arc<Self::Client>>, StoreError>> + Send {
        T::list_clients(self)
    }
}

impl<T: TokenStore> TokenStore for Arc<T> {
    type Scope = T::Scope;
    type Code = T::Code;
    type AccessToken = T::AccessToken;
    type RefreshToken = T::RefreshToken;

    fn insert_code(&self, code: Self::Code) -> impl Future<Output = Result<(), StoreError>> + Send {
        T::insert_code(self, code)
    }

    fn find_code(
        &self,
        code_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<Arc<Self::Code>>, StoreError>> + Send {
        T::find_code(self, code_hash)
    }

    fn exchange_code(
        &self,
        code_hash: &TokenHash,
        access: Self::AccessToken,
        refresh: Option<Self::RefreshToken>,
    ) -> impl Future<Output = Result<Exchange, StoreError>> + Send {
        T::exchange_code(self, code_hash, access, refresh)
    }

    fn insert_tokens(
        &self,
        access: Self::AccessToken,
        refresh: Option<Self::RefreshToken>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        T::insert_tokens(self, access, refresh)
    }

    fn find_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<Arc<Self::AccessToken>>, StoreError>> + Send {
        T::find_access_token(self, token_hash)
    }

    fn find_refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<Stored<Self::RefreshToken>>, StoreError>> + Send {
        T::find_refresh_token(self, token_hash)
    }

    fn rotate_refresh_token(
        &self,
        token_hash: &TokenHash,
        access: Self::AccessToken,
        refresh: Self::RefreshToken,
    ) -> impl Future<Output = Result<Exchange, StoreError>> + Send {
        T::rotate_refresh_token(self, token_hash, access, refresh)
    }

    fn revoke_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        T::revoke_access_token(self, token_hash)
    }

    fn revoke_grant(
        &self,
        grant_id: GrantId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        T::revoke_grant(self, grant_id)
    }

    fn purge_expired(
        &self,
        now: SystemTime,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send {
        T::purge_expired(self, now)
    }

    fn remember_once(
        &self,
        key: &TokenHash,
        until: SystemTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        T::remember_once(self, key, until)
    }
}
