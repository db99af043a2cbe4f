-- In-app notifications. source_key makes creation idempotent: "event:<id>"
-- for one created from a task event, "due:<task>:<due ms>" for a reminder,
-- NULL for Notifier calls (NULLs never collide in a unique index).
CREATE TABLE notifications (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    source_key TEXT,
    created_at BIGINT NOT NULL,
    read_at    BIGINT,
    emailed_at BIGINT
);
CREATE UNIQUE INDEX notifications_source ON notifications (user_id, source_key);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;

-- Which types also go by email; a missing row means the documented default.
CREATE TABLE notification_preferences (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type    TEXT    NOT NULL,
    email   INTEGER NOT NULL,
    PRIMARY KEY (user_id, type)
);

-- Due dates of open tasks, fed by task events (not read from the tasks
-- plugin's tables). reminded_due_at is the due date a reminder went out for.
CREATE TABLE notification_due_dates (
    task_id         BIGINT PRIMARY KEY,
    due_at          BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    title           TEXT    NOT NULL,
    reminded_due_at BIGINT
);
CREATE INDEX notification_due_dates_due ON notification_due_dates (due_at);

-- Self-rescheduling job chains: the job whose payload carries the current
-- token is the only live one (see due_reminders.cpp).
CREATE TABLE notification_schedule (
    name        TEXT    PRIMARY KEY,
    token       BIGINT NOT NULL,
    next_run_at BIGINT NOT NULL
);
