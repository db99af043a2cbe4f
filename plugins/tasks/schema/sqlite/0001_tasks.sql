-- Tasks. Times are epoch milliseconds. version increments on every change
-- and is the ETag; updates are conditional on it, so none is lost.
CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    priority     TEXT    NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    due_date     INTEGER,
    creator_id   INTEGER NOT NULL REFERENCES users (id),
    assignee_id  INTEGER REFERENCES users (id),
    parent_id    INTEGER REFERENCES tasks (id),
    recurrence   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    completed_at INTEGER,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tasks_creator ON tasks (creator_id, created_at);
CREATE INDEX tasks_assignee ON tasks (assignee_id, created_at);
CREATE INDEX tasks_status ON tasks (status, created_at);
CREATE INDEX tasks_due ON tasks (due_date);
CREATE INDEX tasks_parent ON tasks (parent_id);

CREATE TABLE task_tags (
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    tag     TEXT    NOT NULL,
    PRIMARY KEY (task_id, tag)
);
CREATE INDEX task_tags_tag ON task_tags (tag);

-- Who changed what, old -> new (JSON values), and via whom: a user or a rule.
CREATE TABLE task_activity (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id    INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    actor_type TEXT    NOT NULL,
    actor_id   TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    field      TEXT,
    old_value  TEXT,
    new_value  TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX task_activity_task ON task_activity (task_id, id);
