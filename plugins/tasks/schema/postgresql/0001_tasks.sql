-- Tasks. Times are epoch milliseconds. version increments on every change
-- and is the ETag; updates are conditional on it, so none is lost.
CREATE TABLE tasks (
    id           BIGSERIAL PRIMARY KEY,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    priority     TEXT    NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    due_date     BIGINT,
    creator_id   BIGINT  NOT NULL REFERENCES users (id),
    assignee_id  BIGINT  REFERENCES users (id),
    parent_id    BIGINT  REFERENCES tasks (id),
    recurrence   TEXT,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    completed_at BIGINT,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tasks_creator ON tasks (creator_id, created_at);
CREATE INDEX tasks_assignee ON tasks (assignee_id, created_at);
CREATE INDEX tasks_status ON tasks (status, created_at);
CREATE INDEX tasks_due ON tasks (due_date);
CREATE INDEX tasks_parent ON tasks (parent_id);

CREATE TABLE task_tags (
    task_id BIGINT  NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    tag     TEXT    NOT NULL,
    PRIMARY KEY (task_id, tag)
);
CREATE INDEX task_tags_tag ON task_tags (tag);

-- Who changed what, old -> new (JSON values), and via whom: a user or a rule.
CREATE TABLE task_activity (
    id         BIGSERIAL PRIMARY KEY,
    task_id    BIGINT  NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    actor_type TEXT    NOT NULL,
    actor_id   TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    field      TEXT,
    old_value  TEXT,
    new_value  TEXT,
    created_at BIGINT  NOT NULL
);
CREATE INDEX task_activity_task ON task_activity (task_id, id);
