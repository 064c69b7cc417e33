//! The Redis store (feature `redis`): codes and tokens that expire natively, and clients.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, SystemTime};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, RetryMethod, Script, ScriptInvocation};

use super::codec::{ClientRow, CodeRow, Records, RefreshRow, TokenRow, corrupt};
use super::{ClientAdmin, Exchange, Store, Stored};
use crate::error::StoreError;
use crate::model::{
    AccessKind, AccessToken, AuthorizationCode, ClientRecord, CodeRecord, RefreshKind,
    RefreshToken, TokenRecord,
};
use crate::model::{GrantId, TokenHash};
use crate::scope::Scopes;

/// A store in Redis: codes and tokens with native expiry, and the clients.
///
/// Every key starts with a prefix (`oauth2:` unless configured):
///
/// | key | type | holds | expires |
/// |---|---|---|---|
/// | `{prefix}client:{client_id}` | hash | a [`ClientRecord`] | never |
/// | `{prefix}clients` | set | every client id | never |
/// | `{prefix}code:{hex hash}` | hash | a code, and whether it was used | with the code |
/// | `{prefix}access:{hex hash}` | hash | an access token | with the token |
/// | `{prefix}refresh:{hex hash}` | hash | a refresh token, and whether it was rotated | with the token, or never |
/// | `{prefix}grant:{hex grant id}` | set | the keys of a grant's code and tokens | with the last of them |
///
/// A code or token key expires at the record's own expiry, so [`purge_expired`] has nothing
/// to do, and a used code stays until then: presenting it again is caught as a replay. Only
/// SHA-256 hashes of codes and tokens are stored; keys name them in hex.
///
/// Clients are kept in Redis too, as plain keys without expiry: run Redis with persistence
/// (AOF or RDB snapshots) or keep clients elsewhere with the `lookup_client` hook, because a
/// Redis restart without persistence loses them along with every token.
///
/// Every operation that touches several keys is one Lua script (`EVALSHA`), so consuming a
/// code or refresh token, storing its successors and indexing them under their grant happen
/// atomically: exactly one request across all nodes wins a code. Scripts reach keys they read
/// from the grant index, so the store needs one Redis (or a primary with replicas), not a
/// Redis Cluster. Requires Redis 7 or later (`PEXPIRETIME`). Expiry follows the Redis server's
/// clock: keep it in sync with the provider nodes'.
///
/// Commands time out after [`RedisOptions::timeout`] and fail with
/// [`StoreError::Unavailable`]; the connection manager reconnects by itself when Redis is back.
///
/// [`purge_expired`]: Store::purge_expired
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
    conn: ConnectionManager,
    prefix: Arc<str>,
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

    /// What every key of the store starts with, so several stores can share one Redis.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long connecting, and each command, may take before failing with
    /// [`StoreError::Unavailable`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl<S, K, A, R> RedisStore<S, K, A, R> {
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
        let client = redis::Client::open(url).map_err(|e| StoreError::Other(Box::new(e)))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(options.timeout))
            .set_response_timeout(Some(options.timeout))
            // A request during an outage waits for at most one retry, then fails with a 503;
            // the next request starts a fresh reconnect.
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(redis_error)?;
        Ok(RedisStore {
            conn,
            prefix: options.prefix.into(),
            records: PhantomData,
        })
    }

    /// The prefix of every key of the store.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, kind: &str, id: &[u8]) -> String {
        let mut key = String::with_capacity(self.prefix.len() + kind.len() + 1 + 2 * id.len());
        key.push_str(&self.prefix);
        key.push_str(kind);
        key.push(':');
        for byte in id {
            key.push(char::from(HEX[usize::from(byte >> 4)]));
            key.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        key
    }

    fn grant_key(&self, grant_id: GrantId) -> String {
        self.key("grant", grant_id.as_bytes())
    }

    fn client_key(&self, client_id: &str) -> String {
        format!("{}client:{client_id}", self.prefix)
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

/// The Lua both record-writing scripts start with.
macro_rules! lua_prelude {
    () => {
        r#"
-- Adds `key` to the grant's index, which must outlive every member: it expires with the last
-- of them, or never if one never does.
local function index(grant, key, at)
  local fresh = redis.call('EXISTS', grant) == 0
  redis.call('SADD', grant, key)
  if at < 0 then
    redis.call('PERSIST', grant)
  elseif fresh then
    redis.call('PEXPIREAT', grant, at)
  else
    local current = redis.call('PEXPIRETIME', grant)
    if current >= 0 and current < at then redis.call('PEXPIREAT', grant, at) end
  end
end
-- Writes the record at ARGV[i] (expiry in ms since the epoch or -1 for never, the number of
-- field and value arguments, then those) to `key`, indexed under `grant`. Returns the index
-- of the next record's arguments.
local function put(key, grant, i)
  local at = tonumber(ARGV[i])
  local n = tonumber(ARGV[i + 1])
  redis.call('HSET', key, unpack(ARGV, i + 2, i + 1 + n))
  if at >= 0 then redis.call('PEXPIREAT', key, at) end
  index(grant, key, at)
  return i + 2 + n
end
"#
    };
}

/// KEYS: the grant index, then one key per record in ARGV. Returns 1.
static INSERT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        lua_prelude!(),
        r#"
local i = 1
for k = 2, #KEYS do i = put(KEYS[k], KEYS[1], i) end
return 1
"#
    ))
});

/// KEYS: the grant index, the code or refresh token to consume, then one key per successor
/// in ARGV. Returns 0 (missing), 1 (already used) or 2 (done).
static CONSUME: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        lua_prelude!(),
        r#"
local used = redis.call('HGET', KEYS[2], 'used')
if not used then return 0 end
if used == '1' then return 1 end
redis.call('HSET', KEYS[2], 'used', '1')
local i = 1
for k = 3, #KEYS do i = put(KEYS[k], KEYS[1], i) end
return 2
"#
    ))
});

/// KEYS: the grant index. Deletes it and every key it lists.
static REVOKE_GRANT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r#"
local members = redis.call('SMEMBERS', KEYS[1])
for _, key in ipairs(members) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
return #members
"#,
    )
});

/// A record on its way to a script: expiry and fields.
struct Record {
    key: String,
    expires_ms: i64,
    fields: Vec<(&'static str, Vec<u8>)>,
}

impl Record {
    fn push(&self, invocation: &mut ScriptInvocation<'_>) {
        invocation.arg(self.expires_ms).arg(2 * self.fields.len());
        for (name, value) in &self.fields {
            invocation.arg(*name).arg(value.as_slice());
        }
    }
}

/// Milliseconds for `PEXPIREAT`, rounded up so a key never goes before its record expires.
fn expiry_ms(micros: Option<i64>) -> i64 {
    micros.map_or(-1, |m| {
        m.div_euclid(1000) + i64::from(m.rem_euclid(1000) != 0)
    })
}

fn code_record(key: String, row: CodeRow) -> Record {
    let mut fields = vec![
        ("grant_id", row.grant_id),
        ("client_id", row.client_id.into_bytes()),
        ("subject", row.subject.into_bytes()),
        ("scope", row.scope.into_bytes()),
        ("expires_at", row.expires_at.to_string().into_bytes()),
        ("used", b"0".to_vec()),
    ];
    let optional = [
        ("redirect_uri", row.redirect_uri),
        ("challenge_method", row.challenge_method),
        ("challenge", row.challenge),
    ];
    fields.extend(
        optional
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?.into_bytes()))),
    );
    Record {
        key,
        expires_ms: expiry_ms(Some(row.expires_at)),
        fields,
    }
}

fn token_record(key: String, row: TokenRow, consumable: bool) -> Record {
    let mut fields = vec![
        ("grant_id", row.grant_id),
        ("client_id", row.client_id.into_bytes()),
        ("scope", row.scope.into_bytes()),
    ];
    if let Some(subject) = row.subject {
        fields.push(("subject", subject.into_bytes()));
    }
    if let Some(at) = row.expires_at {
        fields.push(("expires_at", at.to_string().into_bytes()));
    }
    if consumable {
        fields.push(("used", b"0".to_vec()));
    }
    Record {
        key,
        expires_ms: expiry_ms(row.expires_at),
        fields,
    }
}

/// A hash as read back.
struct Fields(HashMap<String, Vec<u8>>);

impl Fields {
    fn bytes(&mut self, name: &'static str) -> Result<Vec<u8>, StoreError> {
        self.0.remove(name).ok_or_else(|| corrupt(name))
    }

    fn text(&mut self, name: &'static str) -> Result<String, StoreError> {
        String::from_utf8(self.bytes(name)?).map_err(|_| corrupt(name))
    }

    fn optional_text(&mut self, name: &'static str) -> Result<Option<String>, StoreError> {
        if self.0.contains_key(name) {
            self.text(name).map(Some)
        } else {
            Ok(None)
        }
    }

    fn int(&mut self, name: &'static str) -> Result<i64, StoreError> {
        self.text(name)?.parse().map_err(|_| corrupt(name))
    }

    fn token_row(&mut self, token_hash: &TokenHash) -> Result<TokenRow, StoreError> {
        Ok(TokenRow {
            token_hash: token_hash.as_bytes().to_vec(),
            grant_id: self.bytes("grant_id")?,
            client_id: self.text("client_id")?,
            subject: self.optional_text("subject")?,
            scope: self.text("scope")?,
            expires_at: if self.0.contains_key("expires_at") {
                Some(self.int("expires_at")?)
            } else {
                None
            },
        })
    }
}

impl<S, K, A, R> RedisStore<S, K, A, R>
where
    S: Scopes,
    A: AccessToken<Scope = S>,
    R: RefreshToken<Scope = S>,
{
    fn access_record(&self, access: &A) -> Record {
        let key = self.key("access", access.token_hash().as_bytes());
        token_record(key, TokenRow::of::<AccessKind, _>(access), false)
    }

    fn refresh_record(&self, refresh: &R) -> Record {
        let key = self.key("refresh", refresh.token_hash().as_bytes());
        token_record(key, TokenRow::of::<RefreshKind, _>(refresh), true)
    }

    async fn run(
        &self,
        script: &Script,
        leading_keys: &[String],
        records: &[Record],
    ) -> Result<i64, StoreError> {
        let mut invocation = script.prepare_invoke();
        for key in leading_keys {
            invocation.key(key);
        }
        for record in records {
            invocation.key(&record.key);
        }
        for record in records {
            record.push(&mut invocation);
        }
        invocation
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)
    }

    async fn consume(
        &self,
        consumed: String,
        access: &A,
        refresh: Option<&R>,
    ) -> Result<Exchange, StoreError> {
        let mut records = vec![self.access_record(access)];
        records.extend(refresh.map(|r| self.refresh_record(r)));
        let grant = self.grant_key(access.grant_id());
        match self.run(&CONSUME, &[grant, consumed], &records).await? {
            2 => Ok(Exchange::Done),
            1 => Ok(Exchange::AlreadyUsed),
            _ => Ok(Exchange::Missing),
        }
    }
}

impl<S, K, A, R> Store for RedisStore<S, K, A, R>
where
    S: Scopes,
    K: AuthorizationCode<Scope = S>,
    A: AccessToken<Scope = S>,
    R: RefreshToken<Scope = S>,
{
    type Scope = S;
    type Client = ClientRecord<S>;
    type Code = K;
    type AccessToken = A;
    type RefreshToken = R;

    async fn find_client(&self, client_id: &str) -> Result<Option<Arc<Self::Client>>, StoreError> {
        let Some(mut fields) = self.fields(&self.client_key(client_id)).await? else {
            return Ok(None);
        };
        let row = ClientRow {
            client_id: client_id.to_owned(),
            secret_hash: fields.optional_text("secret_hash")?,
            redirect_uris: fields.text("redirect_uris")?,
            grant_types: fields.text("grant_types")?,
            scope: fields.text("scope")?,
            name: fields.text("name")?,
        };
        row.into_record().map(|c| Some(Arc::new(c)))
    }

    async fn insert_code(&self, code: K) -> Result<(), StoreError> {
        let record = code_record(
            self.key("code", code.code_hash().as_bytes()),
            CodeRow::of(&code),
        );
        let grant = self.grant_key(code.grant_id());
        self.run(&INSERT, &[grant], &[record]).await?;
        Ok(())
    }

    async fn find_code(&self, code_hash: &TokenHash) -> Result<Option<Arc<K>>, StoreError> {
        let Some(mut fields) = self.fields(&self.key("code", code_hash.as_bytes())).await? else {
            return Ok(None);
        };
        let row = CodeRow {
            code_hash: code_hash.as_bytes().to_vec(),
            grant_id: fields.bytes("grant_id")?,
            client_id: fields.text("client_id")?,
            subject: fields.text("subject")?,
            redirect_uri: fields.optional_text("redirect_uri")?,
            scope: fields.text("scope")?,
            challenge_method: fields.optional_text("challenge_method")?,
            challenge: fields.optional_text("challenge")?,
            expires_at: fields.int("expires_at")?,
        };
        row.into_record().map(|c| Some(Arc::new(c)))
    }

    async fn exchange_code(
        &self,
        code_hash: &TokenHash,
        access: A,
        refresh: Option<R>,
    ) -> Result<Exchange, StoreError> {
        let code = self.key("code", code_hash.as_bytes());
        self.consume(code, &access, refresh.as_ref()).await
    }

    async fn insert_tokens(&self, access: A, refresh: Option<R>) -> Result<(), StoreError> {
        let mut records = vec![self.access_record(&access)];
        records.extend(refresh.as_ref().map(|r| self.refresh_record(r)));
        let grant = self.grant_key(access.grant_id());
        self.run(&INSERT, &[grant], &records).await?;
        Ok(())
    }

    async fn find_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Arc<A>>, StoreError> {
        let key = self.key("access", token_hash.as_bytes());
        let Some(mut fields) = self.fields(&key).await? else {
            return Ok(None);
        };
        let token = fields.token_row(token_hash)?.into_new()?;
        Ok(Some(Arc::new(A::new(token))))
    }

    async fn find_refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Stored<R>>, StoreError> {
        let key = self.key("refresh", token_hash.as_bytes());
        let Some(mut fields) = self.fields(&key).await? else {
            return Ok(None);
        };
        let row = RefreshRow {
            token: fields.token_row(token_hash)?,
            used: fields.bytes("used")? == b"1",
        };
        Ok(Some(Stored {
            record: Arc::new(R::new(row.token.into_new()?)),
            consumed: row.used,
        }))
    }

    async fn rotate_refresh_token(
        &self,
        token_hash: &TokenHash,
        access: A,
        refresh: R,
    ) -> Result<Exchange, StoreError> {
        let old = self.key("refresh", token_hash.as_bytes());
        self.consume(old, &access, Some(&refresh)).await
    }

    async fn revoke_access_token(&self, token_hash: &TokenHash) -> Result<bool, StoreError> {
        // The grant index keeps the key's name until the index expires; deleting a key that is
        // gone is harmless when the grant is revoked.
        let deleted: i64 = redis::cmd("DEL")
            .arg(self.key("access", token_hash.as_bytes()))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(deleted > 0)
    }

    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), StoreError> {
        let _: i64 = REVOKE_GRANT
            .key(self.grant_key(grant_id))
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(())
    }

    async fn purge_expired(&self, _now: SystemTime) -> Result<usize, StoreError> {
        // Every expiring key carries a TTL: Redis purges by itself.
        Ok(0)
    }
}

impl<S, K, A, R> ClientAdmin for RedisStore<S, K, A, R>
where
    Self: Store<Client = ClientRecord<S>>,
    S: Scopes,
{
    async fn save_client(&self, client: ClientRecord<S>) -> Result<(), StoreError> {
        let row = ClientRow::of(&client);
        let key = self.client_key(&row.client_id);
        let mut pipe = redis::pipe();
        // Deleted first so a field the new record lacks (a secret, now public) goes too.
        pipe.atomic().del(&key).ignore();
        pipe.cmd("HSET")
            .arg(&key)
            .arg("redirect_uris")
            .arg(&row.redirect_uris)
            .arg("grant_types")
            .arg(&row.grant_types)
            .arg("scope")
            .arg(&row.scope)
            .arg("name")
            .arg(&row.name);
        if let Some(secret_hash) = &row.secret_hash {
            pipe.arg("secret_hash").arg(secret_hash);
        }
        pipe.ignore();
        pipe.sadd(self.clients_key(), &row.client_id).ignore();
        pipe.query_async::<()>(&mut self.conn.clone())
            .await
            .map_err(redis_error)
    }

    async fn delete_client(&self, client_id: &str) -> Result<bool, StoreError> {
        let (deleted, _): (i64, i64) = redis::pipe()
            .atomic()
            .del(self.client_key(client_id))
            .srem(self.clients_key(), client_id)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(deleted > 0)
    }

    async fn list_clients(&self) -> Result<Vec<Arc<ClientRecord<S>>>, StoreError> {
        let ids: Vec<String> = redis::cmd("SMEMBERS")
            .arg(self.clients_key())
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        let mut clients = Vec::with_capacity(ids.len());
        for id in ids {
            // A client deleted since SMEMBERS is simply not listed.
            if let Some(client) = self.find_client(&id).await? {
                clients.push(client);
            }
        }
        clients.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        Ok(clients)
    }
}

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
