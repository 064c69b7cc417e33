-- The durable store's tables. Codes and tokens are kept only as SHA-256 hashes (32 bytes);
-- a grant id (16 bytes) ties a code and every token issued from it into one family, which
-- revocation deletes together. Scopes are RFC 6749 §3.3 strings, lists JSON arrays of
-- strings, times microseconds since the Unix epoch. No foreign key to oauth_clients: an
-- application may keep its clients elsewhere, and tokens outlive a deleted client until they
-- expire or are revoked.

CREATE TABLE oauth_clients (
    client_id     TEXT PRIMARY KEY,
    secret_hash   TEXT,
    redirect_uris TEXT NOT NULL,
    grant_types   TEXT NOT NULL,
    scope         TEXT NOT NULL,
    name          TEXT NOT NULL
);

CREATE TABLE oauth_codes (
    code_hash        BYTEA PRIMARY KEY CHECK (octet_length(code_hash) = 32),
    grant_id         BYTEA NOT NULL CHECK (octet_length(grant_id) = 16),
    client_id        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    redirect_uri     TEXT,
    scope            TEXT NOT NULL,
    challenge_method TEXT,
    challenge        TEXT,
    expires_at       BIGINT NOT NULL,
    used             BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX oauth_codes_grant ON oauth_codes (grant_id);
CREATE INDEX oauth_codes_expiry ON oauth_codes (expires_at);

CREATE TABLE oauth_access_tokens (
    token_hash BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    grant_id   BYTEA NOT NULL CHECK (octet_length(grant_id) = 16),
    client_id  TEXT NOT NULL,
    subject    TEXT,
    scope      TEXT NOT NULL,
    expires_at BIGINT
);
CREATE INDEX oauth_access_tokens_grant ON oauth_access_tokens (grant_id);
CREATE INDEX oauth_access_tokens_expiry ON oauth_access_tokens (expires_at);

CREATE TABLE oauth_refresh_tokens (
    token_hash BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    grant_id   BYTEA NOT NULL CHECK (octet_length(grant_id) = 16),
    client_id  TEXT NOT NULL,
    subject    TEXT,
    scope      TEXT NOT NULL,
    expires_at BIGINT,
    -- TRUE once rotated: kept until it expires, so presenting it again is caught as a replay.
    used       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX oauth_refresh_tokens_grant ON oauth_refresh_tokens (grant_id);
CREATE INDEX oauth_refresh_tokens_expiry ON oauth_refresh_tokens (expires_at);
