-- The provider's signing keys (feature `jwt`), one row per key, keyed by its RFC 7638
-- thumbprint. `private_key` is a PKCS#8 document, or its AES-256-GCM sealing when `encrypted`;
-- times are microseconds since the Unix epoch. Rows never expire: the key set prunes them.
-- The kid is VARBINARY, compared byte for byte without PAD SPACE, as oauth_clients' client_id.
CREATE TABLE oauth_keys (
    kid          VARBINARY(255) NOT NULL PRIMARY KEY,
    alg          TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    activates_at BIGINT NOT NULL,
    retired_at   BIGINT,
    retain_until BIGINT,
    encrypted    BOOLEAN NOT NULL,
    private_key  BLOB NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
