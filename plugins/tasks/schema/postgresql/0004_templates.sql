-- Task templates, shared by the team. body is the JSON {task, subtasks}
-- validated by the tasks plugin (template.cpp).
CREATE TABLE task_templates (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL,
    creator_id  BIGINT  NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX task_templates_name ON task_templates (name, id);
