-- The event outbox: every mutation writes its event row in the same
-- transaction as its data. Writers take an advisory lock before inserting so
-- ids become visible in id order (see core/src/db/sql_database.cpp).
CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    type        TEXT   NOT NULL,
    occurred_at BIGINT NOT NULL,            -- epoch milliseconds
    actor_type  TEXT   NOT NULL,
    actor_id    TEXT   NOT NULL,            -- JSON: number, string or null
    data        JSONB  NOT NULL
);
CREATE INDEX events_occurred_at ON events (occurred_at);

-- Where each durable subscriber stopped: a restart resumes after last_event_id.
CREATE TABLE event_cursors (
    subscriber    TEXT   PRIMARY KEY,
    last_event_id BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
