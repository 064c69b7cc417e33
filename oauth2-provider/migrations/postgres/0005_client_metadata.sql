-- A client's RFC 7591 metadata beyond its own columns (ClientMetadata), one JSON object, so that
-- a feature reading another registered member needs no new column.
ALTER TABLE oauth_clients ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
