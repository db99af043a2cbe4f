-- Webhook subscriptions. `events` is a JSON array of event types ("*": all);
-- the secret is kept in clear because every delivery signs with it.
CREATE TABLE webhooks (
    id         BIGSERIAL PRIMARY KEY,
    url        TEXT    NOT NULL,
    events     TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    active     BIGINT  NOT NULL,
    created_by BIGINT,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);

-- One row per (webhook, event) or per named-target send; delivery_id is the
-- X-Tasklane-Delivery value, stable across retries and redeliveries. The
-- unique pair makes a redelivered event insert nothing twice (NULL webhook
-- ids of target sends never collide).
CREATE TABLE webhook_deliveries (
    seq         BIGSERIAL PRIMARY KEY,
    delivery_id TEXT    NOT NULL UNIQUE,
    webhook_id  BIGINT REFERENCES webhooks (id) ON DELETE CASCADE,
    target      TEXT,
    event_id    BIGINT,
    event_type  TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    attempts    BIGINT  NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);

CREATE TABLE webhook_delivery_attempts (
    id          BIGSERIAL PRIMARY KEY,
    delivery_id TEXT    NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
    status_code BIGINT,
    duration_ms BIGINT  NOT NULL,
    error       TEXT,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX webhook_delivery_attempts_delivery ON webhook_delivery_attempts (delivery_id, id);

-- Inbound tokens: only the SHA-256 of the token is stored (it is a bearer
-- credential in the URL); the secret stays in clear to verify signatures.
CREATE TABLE inbound_tokens (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    token_hash TEXT    NOT NULL UNIQUE,
    secret     TEXT    NOT NULL,
    defaults   TEXT    NOT NULL,
    created_by BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL
);
