-- A client's RFC 7591 metadata beyond its own columns (ClientMetadata), one JSON object, so that
-- a feature reading another registered member needs no new column. (A TEXT column takes a
-- literal default in MariaDB 10.2.1 and later, and in MySQL 8.0.13 and later as an expression.)
ALTER TABLE oauth_clients ADD COLUMN metadata TEXT NOT NULL DEFAULT ('{}');
