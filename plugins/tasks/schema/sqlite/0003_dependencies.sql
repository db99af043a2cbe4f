-- task_id cannot be completed while depends_on_id is open (not completed).
-- A task that others depend on is not deleted (409 has_dependents); its own
-- edges go with it.
CREATE TABLE task_dependencies (
    task_id       INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    depends_on_id INTEGER NOT NULL REFERENCES tasks (id),
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (task_id, depends_on_id),
    CHECK (task_id <> depends_on_id)
);
CREATE INDEX task_dependencies_depends_on ON task_dependencies (depends_on_id);
