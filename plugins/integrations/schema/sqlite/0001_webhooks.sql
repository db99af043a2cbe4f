-- Webhook subscriptions. `events` is a JSON array of event types ("*": all);
-- the secret is kept in clear because every delivery signs with it.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    url        TEXT    NOT NULL,
    events     TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    active     INTEGER NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- One row per (webhook, event) or per named-target send; delivery_id is the
-- X-Tasklane-Delivery value, stable across retries and redeliveries. The
-- unique pair makes a redelivered event insert nothing twice (NULL webhook
-- ids of target sends never collide).
CREATE TABLE webhook_deliveries (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT    NOT NULL UNIQUE,
    webhook_id  INTEGER REFERENCES webhooks (id) ON DELETE CASCADE,
    target      TEXT,
    event_id    INTEGER,
    event_type  TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);

CREATE TABLE webhook_delivery_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT    NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
    status_code INTEGER,
    duration_ms INTEGER NOT NULL,
    error       TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX webhook_delivery_attempts_delivery ON webhook_delivery_attempts (delivery_id, id);

-- Inbound tokens: only the SHA-256 of the token is stored (it is a bearer
-- credential in the URL); the secret stays in clear to verify signatures.
CREATE TABLE inbound_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL UNIQUE,
    token_hash TEXT    NOT NULL UNIQUE,
    secret     TEXT    NOT NULL,
    defaults   TEXT    NOT NULL,
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
