-- Counting a member's tasks of one status (every list's total) from the
-- index alone, without reading each matching row.
CREATE INDEX tasks_status_people ON tasks (status, creator_id, assignee_id);
