CREATE TABLE task_comments (
    id         BIGSERIAL PRIMARY KEY,
    task_id    BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL REFERENCES users (id),
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX task_comments_task ON task_comments (task_id, id);
