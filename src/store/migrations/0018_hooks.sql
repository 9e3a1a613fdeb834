-- Notifications: the events table is the outbox; each hook keeps here the last event it was
-- told of (or passed over), how often it has failed since and when to try it again.
CREATE TABLE hook_cursors (
    hook     TEXT PRIMARY KEY,
    event    INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    retry_at TEXT,
    error    TEXT
) STRICT;
