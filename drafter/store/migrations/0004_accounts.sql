-- 0004: newsroom accounts, their login sessions and failed-login records.
-- A contributor holds one or more organizations (orgs_json, a JSON list); editors and
-- admins see every organization. Only hashes are stored: argon2 for passwords, SHA-256
-- for session tokens (a leaked database does not let anyone log in).

CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('contributor', 'editor', 'admin')),
    orgs_json      TEXT NOT NULL DEFAULT '[]',
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);

CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX login_failures_name ON login_failures (name, created_at);
