-- Full-text search over title (weight A) and description (weight B): a
-- generated tsvector, so every write keeps it in sync, with a GIN index.
-- 'simple' (no stemming, no stop words) matches what the SQLite index does.
ALTER TABLE tasks ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')
) STORED;
CREATE INDEX tasks_search ON tasks USING GIN (search);
