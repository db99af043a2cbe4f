-- The durable job queue. status: queued (waits for run_at), running (a
-- worker holds it until locked_until; past that another worker may take it
-- over), done, dead (failed max_attempts times or permanently). Times are
-- epoch milliseconds.
CREATE TABLE jobs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,            -- JSON
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,  -- runs started
    max_attempts INTEGER NOT NULL,
    run_at       BIGINT  NOT NULL,
    locked_by    TEXT,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    finished_at  BIGINT
);
CREATE INDEX jobs_due ON jobs (status, run_at, id);
CREATE INDEX jobs_lease ON jobs (status, locked_until);
CREATE INDEX jobs_kind ON jobs (kind, status, id);
