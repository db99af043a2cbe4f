-- Rules created through the API (origin 'api') and loaded from rules.dir
-- (origin 'file', kept here so every rule has an id and a run log).
CREATE TABLE rules (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL UNIQUE,
    source     TEXT    NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    origin     TEXT    NOT NULL,            -- api | file
    file       TEXT,                        -- the file of an origin 'file' rule
    owner_id   INTEGER,                     -- the admin who saved an API rule; its actions run as them
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- One row per run that did something (when held, or a limit or error hit).
CREATE TABLE rule_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id     INTEGER NOT NULL,
    event_id    INTEGER,                    -- null for a schedule tick
    outcome     TEXT    NOT NULL,           -- ok | error | skipped | limit_exceeded
    error       TEXT,
    duration_us INTEGER NOT NULL,
    actions     TEXT    NOT NULL,           -- JSON array of {action, args}
    logs        TEXT    NOT NULL,           -- JSON array of strings
    created_at  INTEGER NOT NULL
);
CREATE INDEX rule_runs_by_rule ON rule_runs (rule_id, id);

-- A scheduled rule's minute, claimed by exactly one node.
CREATE TABLE rule_ticks (
    rule_id INTEGER NOT NULL,
    tick    INTEGER NOT NULL,               -- epoch minute
    PRIMARY KEY (rule_id, tick)
);
