-- A card's place in its board column: columns list tasks by position, then
-- id. Clients choose the number (e.g. between the neighbours they drop a
-- card between); a new task starts at its creation time, so it goes last.
ALTER TABLE tasks ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
UPDATE tasks SET position = created_at;
CREATE INDEX tasks_status_position ON tasks (status, position);
