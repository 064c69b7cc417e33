-- The durable store's tables, as in the other dialects (see migrations/postgres). Codes and
-- tokens are kept only as SHA-256 hashes (32 bytes); a grant id (16 bytes) ties a code and
-- every token issued from it into one family. Every text column compares byte for byte
-- (utf8mb4_bin): a client id `App` is not `app`. The client id is VARBINARY, not VARCHAR: a
-- VARCHAR compares with trailing spaces ignored (PAD SPACE), so `app ` would be `app`.

CREATE TABLE oauth_clients (
    client_id     VARBINARY(255) NOT NULL PRIMARY KEY,
    secret_hash   TEXT,
    redirect_uris TEXT NOT NULL,
    grant_types   TEXT NOT NULL,
    scope         TEXT NOT NULL,
    name          TEXT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE oauth_codes (
    code_hash        VARBINARY(32) NOT NULL PRIMARY KEY,
    grant_id         VARBINARY(16) NOT NULL,
    client_id        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    redirect_uri     TEXT,
    scope            TEXT NOT NULL,
    challenge_method TEXT,
    challenge        TEXT,
    expires_at       BIGINT NOT NULL,
    extras           TEXT,
    used             BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK (LENGTH(code_hash) = 32),
    CHECK (LENGTH(grant_id) = 16),
    INDEX oauth_codes_grant (grant_id),
    INDEX oauth_codes_expiry (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE oauth_access_tokens (
    token_hash VARBINARY(32) NOT NULL PRIMARY KEY,
    grant_id   VARBINARY(16) NOT NULL,
    client_id  TEXT NOT NULL,
    subject    TEXT,
    scope      TEXT NOT NULL,
    expires_at BIGINT,
    extras     TEXT,
    CHECK (LENGTH(token_hash) = 32),
    CHECK (LENGTH(grant_id) = 16),
    INDEX oauth_access_tokens_grant (grant_id),
    INDEX oauth_access_tokens_expiry (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE oauth_refresh_tokens (
    token_hash VARBINARY(32) NOT NULL PRIMARY KEY,
    grant_id   VARBINARY(16) NOT NULL,
    client_id  TEXT NOT NULL,
    subject    TEXT,
    scope      TEXT NOT NULL,
    expires_at BIGINT,
    extras     TEXT,
    -- TRUE once rotated: kept until it expires, so presenting it again is caught as a replay.
    used       BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK (LENGTH(token_hash) = 32),
    CHECK (LENGTH(grant_id) = 16),
    INDEX oauth_refresh_tokens_grant (grant_id),
    INDEX oauth_refresh_tokens_expiry (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE oauth_once (
    key_hash   VARBINARY(32) NOT NULL PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    CHECK (LENGTH(key_hash) = 32),
    INDEX oauth_once_expiry (expires_at)
) ENGINE = InnoDB;
