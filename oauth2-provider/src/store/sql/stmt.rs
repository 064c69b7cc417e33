//! Every statement the SQL stores run, as a table each dialect fills: SQLite and PostgreSQL
//! share one text (`$n` parameters, `ON CONFLICT`, `LIMIT` in a subquery); MySQL has its own
//! (`?`, `DELETE ... LIMIT`).
//!
//! The parameter order of a statement is the same in every dialect; the store binds it once.

use super::dialect::Column;

/// The statements of one dialect.
pub(crate) struct Statements {
    pub(crate) find_client: &'static str,
    pub(crate) list_clients: &'static str,
    pub(crate) save_client: &'static str,
    pub(crate) delete_client: &'static str,

    pub(crate) insert_code: &'static str,
    pub(crate) find_code: &'static str,
    pub(crate) consume_code: &'static str,
    pub(crate) code_used: &'static str,

    pub(crate) insert_access: &'static str,
    pub(crate) find_access: &'static str,
    pub(crate) revoke_access: &'static str,

    pub(crate) insert_refresh: &'static str,
    pub(crate) find_refresh: &'static str,
    pub(crate) consume_refresh: &'static str,
    pub(crate) refresh_used: &'static str,

    /// The code first: a concurrent exchange of it then either finished (and its tokens are
    /// visible to the deletes after) or finds nothing to consume.
    pub(crate) revoke_grant: [&'static str; 3],
    /// `(now, batch)`: each deletes at most `batch` expired rows.
    pub(crate) purge: [&'static str; 5],

    /// `(key, value, version, expires_at)`: inserts, or replaces every column.
    pub(crate) put_state: &'static str,
    /// `(key, now)`: [`STATE_COLUMNS`] of the live row.
    pub(crate) get_state: &'static str,
    /// `(value, version, expires_at, key, expected version, now)`.
    pub(crate) swap_state: &'static str,
    /// `(key, now)`: the live row.
    pub(crate) delete_state: &'static str,

    #[cfg(feature = "jwt")]
    pub(crate) load_keys: &'static str,
    /// Inserts, or replaces every column of the row with the same `kid`.
    #[cfg(feature = "jwt")]
    pub(crate) save_key: &'static str,
    #[cfg(feature = "jwt")]
    pub(crate) delete_key: &'static str,
}

/// `client_id, secret_hash, redirect_uris, grant_types, scope, name, metadata`.
pub(crate) const CLIENT_COLUMNS: &[Column] = &[
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Text,
];

/// `code_hash, grant_id, client_id, subject, redirect_uri, scope, challenge_method,
/// challenge, expires_at, extras`.
pub(crate) const CODE_COLUMNS: &[Column] = &[
    Column::Bytes,
    Column::Bytes,
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Int,
    Column::Text,
];

/// `token_hash, grant_id, client_id, subject, scope, expires_at, extras`.
pub(crate) const TOKEN_COLUMNS: &[Column] = &[
    Column::Bytes,
    Column::Bytes,
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Int,
    Column::Text,
];

/// The token columns, then `used`.
pub(crate) const REFRESH_COLUMNS: &[Column] = &[
    Column::Bytes,
    Column::Bytes,
    Column::Text,
    Column::Text,
    Column::Text,
    Column::Int,
    Column::Text,
    Column::Bool,
];

/// `used`.
pub(crate) const USED: &[Column] = &[Column::Bool];

/// `value, version, expires_at`.
pub(crate) const STATE_COLUMNS: &[Column] = &[Column::Bytes, Column::Int, Column::Int];

/// `kid, alg, created_at, activates_at, retired_at, retain_until, encrypted, private_key`.
#[cfg(feature = "jwt")]
pub(crate) const KEY_COLUMNS: &[Column] = &[
    Column::Text,
    Column::Text,
    Column::Int,
    Column::Int,
    Column::Int,
    Column::Int,
    Column::Bool,
    Column::Bytes,
];

/// SQLite and PostgreSQL.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const STANDARD: Statements = Statements {
    find_client: "SELECT client_id, secret_hash, redirect_uris, grant_types, scope, name, metadata \
        FROM oauth_clients WHERE client_id = $1",
    list_clients: "SELECT client_id, secret_hash, redirect_uris, grant_types, scope, name, metadata \
        FROM oauth_clients",
    save_client: "INSERT INTO oauth_clients \
        (client_id, secret_hash, redirect_uris, grant_types, scope, name, metadata) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) \
        ON CONFLICT (client_id) DO UPDATE SET secret_hash = excluded.secret_hash, \
        redirect_uris = excluded.redirect_uris, grant_types = excluded.grant_types, \
        scope = excluded.scope, name = excluded.name, metadata = excluded.metadata",
    delete_client: "DELETE FROM oauth_clients WHERE client_id = $1",

    insert_code: "INSERT INTO oauth_codes (code_hash, grant_id, client_id, subject, \
        redirect_uri, scope, challenge_method, challenge, expires_at, extras, used) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE)",
    find_code: "SELECT code_hash, grant_id, client_id, subject, redirect_uri, scope, \
        challenge_method, challenge, expires_at, extras FROM oauth_codes WHERE code_hash = $1",
    consume_code: "UPDATE oauth_codes SET used = TRUE WHERE code_hash = $1 AND used = FALSE",
    code_used: "SELECT used FROM oauth_codes WHERE code_hash = $1",

    insert_access: "INSERT INTO oauth_access_tokens (token_hash, grant_id, client_id, \
        subject, scope, expires_at, extras) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    find_access: "SELECT token_hash, grant_id, client_id, subject, scope, expires_at, extras \
        FROM oauth_access_tokens WHERE token_hash = $1",
    revoke_access: "DELETE FROM oauth_access_tokens WHERE token_hash = $1",

    insert_refresh: "INSERT INTO oauth_refresh_tokens (token_hash, grant_id, client_id, \
        subject, scope, expires_at, extras, used) VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE)",
    find_refresh: "SELECT token_hash, grant_id, client_id, subject, scope, expires_at, extras, \
        used FROM oauth_refresh_tokens WHERE token_hash = $1",
    consume_refresh: "UPDATE oauth_refresh_tokens SET used = TRUE \
        WHERE token_hash = $1 AND used = FALSE",
    refresh_used: "SELECT used FROM oauth_refresh_tokens WHERE token_hash = $1",

    revoke_grant: [
        "DELETE FROM oauth_codes WHERE grant_id = $1",
        "DELETE FROM oauth_refresh_tokens WHERE grant_id = $1",
        "DELETE FROM oauth_access_tokens WHERE grant_id = $1",
    ],
    // By primary key through a bounded subquery: neither dialect has `DELETE ... LIMIT`.
    purge: [
        "DELETE FROM oauth_codes WHERE code_hash IN \
         (SELECT code_hash FROM oauth_codes WHERE expires_at <= $1 LIMIT $2)",
        "DELETE FROM oauth_access_tokens WHERE token_hash IN \
         (SELECT token_hash FROM oauth_access_tokens WHERE expires_at <= $1 LIMIT $2)",
        "DELETE FROM oauth_refresh_tokens WHERE token_hash IN \
         (SELECT token_hash FROM oauth_refresh_tokens WHERE expires_at <= $1 LIMIT $2)",
        "DELETE FROM oauth_once WHERE key_hash IN \
         (SELECT key_hash FROM oauth_once WHERE expires_at <= $1 LIMIT $2)",
        "DELETE FROM oauth_state WHERE key_hash IN \
         (SELECT key_hash FROM oauth_state WHERE expires_at <= $1 LIMIT $2)",
    ],

    put_state: "INSERT INTO oauth_state (key_hash, value, version, expires_at) \
        VALUES ($1, $2, $3, $4) ON CONFLICT (key_hash) DO UPDATE SET value = excluded.value, \
        version = excluded.version, expires_at = excluded.expires_at",
    get_state: "SELECT value, version, expires_at FROM oauth_state \
        WHERE key_hash = $1 AND expires_at > $2",
    swap_state: "UPDATE oauth_state SET value = $1, version = $2, expires_at = $3 \
        WHERE key_hash = $4 AND version = $5 AND expires_at > $6",
    delete_state: "DELETE FROM oauth_state WHERE key_hash = $1 AND expires_at > $2",

    #[cfg(feature = "jwt")]
    load_keys: "SELECT kid, alg, created_at, activates_at, retired_at, retain_until, encrypted, \
        private_key FROM oauth_keys",
    #[cfg(feature = "jwt")]
    save_key: "INSERT INTO oauth_keys (kid, alg, created_at, activates_at, retired_at, \
        retain_until, encrypted, private_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
        ON CONFLICT (kid) DO UPDATE SET alg = excluded.alg, created_at = excluded.created_at, \
        activates_at = excluded.activates_at, retired_at = excluded.retired_at, \
        retain_until = excluded.retain_until, encrypted = excluded.encrypted, \
        private_key = excluded.private_key",
    #[cfg(feature = "jwt")]
    delete_key: "DELETE FROM oauth_keys WHERE kid = $1",
};

/// SQLite and PostgreSQL: inserted, or an expired entry taken over; `(key, until, now)`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const REMEMBER_ONCE: &str = "INSERT INTO oauth_once (key_hash, expires_at) \
    VALUES ($1, $2) ON CONFLICT (key_hash) DO UPDATE SET expires_at = excluded.expires_at \
    WHERE oauth_once.expires_at <= $3";

/// SQLite and PostgreSQL: the live row under a key, deleted and returned in one statement;
/// `(key, now)`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const TAKE_STATE: &str = "DELETE FROM oauth_state WHERE key_hash = $1 \
    AND expires_at > $2 RETURNING value, version, expires_at";
