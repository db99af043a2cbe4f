CREATE TABLE hello_greetings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
-- Kept by the plugin's event subscriber: how many greetings each name got.
CREATE TABLE hello_greeting_counts (
    name  TEXT    PRIMARY KEY,
    count INTEGER NOT NULL
);
