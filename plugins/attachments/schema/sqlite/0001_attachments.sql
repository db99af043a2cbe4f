-- Files attached to tasks: the metadata. The content lives in the blob store
-- under its sha256 (one file for every row with the same bytes).
-- No foreign key to tasks: the rows of a deleted task are removed by the
-- plugin's task.deleted subscriber, which also removes the files no row
-- references any more (a cascade would leave those files behind).
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id      INTEGER NOT NULL,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    uploader_id  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_task ON attachments (task_id, id);
CREATE INDEX attachments_sha256 ON attachments (sha256);
CREATE INDEX attachments_uploader ON attachments (uploader_id);
