-- StateStore: small expiring, versioned records (sessions, remembered consent, single-use
-- request URIs and nonces), keyed by the SHA-256 of a kind and an id. `value` is at most
-- 64 KiB (MAX_STATE_LEN, checked by the store); `version` changes on every write (63 random
-- bits); times are microseconds since the Unix epoch. Expired rows go at purge_expired.
CREATE TABLE oauth_state (
    key_hash   BLOB NOT NULL PRIMARY KEY CHECK (length(key_hash) = 32),
    value      BLOB NOT NULL,
    version    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX oauth_state_expiry ON oauth_state (expires_at);
