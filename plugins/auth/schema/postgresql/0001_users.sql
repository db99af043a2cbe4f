-- Users. Uniqueness of email and username is case-insensitive: the *_key
-- columns hold the lower-cased form and carry the unique indexes.
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,
    username      TEXT    NOT NULL,
    username_key  TEXT    NOT NULL UNIQUE,
    full_name     TEXT    NOT NULL DEFAULT '',
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'member')),
    is_active     INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT  NOT NULL,           -- epoch milliseconds
    updated_at    BIGINT  NOT NULL
);

-- Refresh tokens are stored only as their SHA-256. Each login starts a
-- family; every refresh rotates to a new token of the same family. Presenting
-- a token that was already rotated revokes the whole family (theft signal).
CREATE TABLE refresh_tokens (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    rotated_at  BIGINT,                       -- set when exchanged for a new token
    revoked_at  BIGINT                        -- set by logout, reuse detection, deactivation
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Access tokens revoked before they expire (logout): their jti until exp.
CREATE TABLE revoked_access_tokens (
    jti        TEXT    PRIMARY KEY,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX revoked_access_tokens_expiry ON revoked_access_tokens (expires_at);
