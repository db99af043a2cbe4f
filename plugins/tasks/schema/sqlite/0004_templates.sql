-- Task templates, shared by the team. body is the JSON {task, subtasks}
-- validated by the tasks plugin (template.cpp).
CREATE TABLE task_templates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL,
    creator_id  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX task_templates_name ON task_templates (name, id);
