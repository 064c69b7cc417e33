-- The application's own tables; the framework keeps its own beside them.
CREATE TABLE IF NOT EXISTS apps (id TEXT PRIMARY KEY, secret_hash TEXT, callbacks TEXT NOT NULL,
    scope TEXT NOT NULL, grants TEXT NOT NULL, plan TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members (email TEXT PRIMARY KEY, password_hash TEXT NOT NULL);
