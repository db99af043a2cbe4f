-- Rules created through the API (origin 'api') and loaded from rules.dir
-- (origin 'file', kept here so every rule has an id and a run log).
CREATE TABLE rules (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    source     TEXT    NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    origin     TEXT    NOT NULL,
    file       TEXT,
    owner_id   BIGINT,
    version    BIGINT  NOT NULL DEFAULT 1,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);

CREATE TABLE rule_runs (
    id          BIGSERIAL PRIMARY KEY,
    rule_id     BIGINT  NOT NULL,
    event_id    BIGINT,
    outcome     TEXT    NOT NULL,
    error       TEXT,
    duration_us BIGINT  NOT NULL,
    actions     TEXT    NOT NULL,
    logs        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX rule_runs_by_rule ON rule_runs (rule_id, id);

CREATE TABLE rule_ticks (
    rule_id BIGINT NOT NULL,
    tick    BIGINT NOT NULL,
    PRIMARY KEY (rule_id, tick)
);
