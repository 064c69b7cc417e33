-- What a code or token carries beyond the core (audience, confirmation key, authentication
-- context, nonce, authorization details): one JSON object, NULL when empty, so later features
-- add members without a migration.
ALTER TABLE oauth_codes ADD COLUMN extras TEXT;
ALTER TABLE oauth_access_tokens ADD COLUMN extras TEXT;
ALTER TABLE oauth_refresh_tokens ADD COLUMN extras TEXT;

-- remember_once: a key (the SHA-256 of a jti, a proof, a request URI) remembered until a time.
CREATE TABLE oauth_once (
    key_hash   BLOB NOT NULL PRIMARY KEY CHECK (length(key_hash) = 32),
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX oauth_once_expiry ON oauth_once (expires_at);
