-- The event outbox: every mutation writes its event row in the same
-- transaction as its data. AUTOINCREMENT keeps ids monotonic, never reused.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    type        TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL,           -- epoch milliseconds
    actor_type  TEXT    NOT NULL,
    actor_id    TEXT    NOT NULL,           -- JSON: number, string or null
    data        TEXT    NOT NULL            -- JSON
);
CREATE INDEX events_occurred_at ON events (occurred_at);

-- Where each durable subscriber stopped: a restart resumes after last_event_id.
CREATE TABLE event_cursors (
    subscriber    TEXT    PRIMARY KEY,
    last_event_id INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
