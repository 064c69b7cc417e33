-- The provider's signing keys (feature `jwt`), one row per key, keyed by its RFC 7638
-- thumbprint. `private_key` is a PKCS#8 document, or its AES-256-GCM sealing when `encrypted`;
-- times are microseconds since the Unix epoch. Rows never expire: the key set prunes them.
CREATE TABLE oauth_keys (
    kid          TEXT NOT NULL PRIMARY KEY,
    alg          TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    activates_at INTEGER NOT NULL,
    retired_at   INTEGER,
    retain_until INTEGER,
    encrypted    BOOLEAN NOT NULL,
    private_key  BLOB NOT NULL
) WITHOUT ROWID;
