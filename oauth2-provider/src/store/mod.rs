//! Storage: the one trait every backend implements, and the memory store.
//!
//! The runtime never mutates a record in place. It issues (inserts), looks up, exchanges
//! (atomically consumes a code or refresh token *and* inserts what replaces it) and revokes.
//! Making exchange one atomic step is what keeps codes and refresh tokens single-use under any
//! concurrency: exactly one caller sees [`Exchange::Done`], every other sees
//! [`Exchange::AlreadyUsed`], and the tokens a code or refresh token issued exist from the
//! instant it was consumed, so revoking the grant on a replay always catches them.

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
mod codec;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{PostgresOptions, PostgresStore};
#[cfg(feature = "redis")]
pub use redis::{RedisOptions, RedisStore};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use sql::PurgeTask;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::error::StoreError;
use crate::model::{AccessToken, AuthorizationCode, OAuthClient, RefreshToken};
use crate::model::{GrantId, TokenHash};
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

/// A storage backend for clients, codes and tokens.
///
/// Implementations: [`MemoryStore`] here; SQLite, PostgreSQL and Redis behind features of
/// their own. Every method is one round trip and must be safe under concurrent callers on many
/// provider nodes. Lookups may return expired records; the runtime checks expiry.
pub trait Store: Send + Sync + 'static {
    /// The provider's scope type.
    type Scope: Scopes;
    /// The client model.
    type Client: OAuthClient<Scope = Self::Scope>;
    /// The authorization code record.
    type Code: AuthorizationCode<Scope = Self::Scope>;
    /// The access token record.
    type AccessToken: AccessToken<Scope = Self::Scope>;
    /// The refresh token record.
    type RefreshToken: RefreshToken<Scope = Self::Scope>;

    /// The client registered as `client_id`.
    fn find_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<Option<Arc<Self::Client>>, StoreError>> + Send;

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

    /// Deletes codes and tokens that expired before `now`; returns how many records went.
    fn purge_expired(
        &self,
        now: SystemTime,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send;
}

/// Client registration for stores that keep clients: what the example server's `client`
/// commands run on.
pub trait ClientAdmin: Store {
    /// Adds a client, or replaces the one with the same id.
    fn save_client(
        &self,
        client: Self::Client,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes a client; `true` if it existed. Its tokens stay until they expire or are revoked.
    fn delete_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Every client, ordered by id.
    fn list_clients(
        &self,
    ) -> impl Future<Output = Result<Vec<Arc<Self::Client>>, StoreError>> + Send;
}
