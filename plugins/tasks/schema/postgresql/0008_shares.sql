-- Read-only share links. Only the SHA-256 of the token is stored, so the
-- table cannot be used to read a board. scope is JSON: {"tag": ...},
-- {"assignee_id": ...} or {"task_ids": [...]}. Revoking deletes the row.
CREATE TABLE task_shares (
    id               BIGSERIAL PRIMARY KEY,
    token_hash       TEXT    NOT NULL UNIQUE,
    creator_id       BIGINT  NOT NULL REFERENCES users (id),
    scope            TEXT    NOT NULL,
    include_comments INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL
);
CREATE INDEX task_shares_creator ON task_shares (creator_id, id);
