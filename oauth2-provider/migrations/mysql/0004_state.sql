-- StateStore: small expiring, versioned records (sessions, remembered consent, single-use
-- request URIs and nonces), keyed by the SHA-256 of a kind and an id. `value` is at most
-- 64 KiB (MAX_STATE_LEN, checked by the store): MEDIUMBLOB, since a BLOB stops one byte short.
-- `version` changes on every write (63 random bits); times are microseconds since the Unix
-- epoch. Expired rows go at purge_expired.
CREATE TABLE oauth_state (
    key_hash   VARBINARY(32) NOT NULL PRIMARY KEY,
    value      MEDIUMBLOB NOT NULL,
    version    BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    CHECK (LENGTH(key_hash) = 32),
    INDEX oauth_state_expiry (expires_at)
) ENGINE = InnoDB;
