-- The operations perspective in delivery: a story flagged as touching operations, its
-- operational acceptance criteria, and the AMS engineer's review that approval waits for.
CREATE TABLE ops_reviews (
    item       INTEGER PRIMARY KEY REFERENCES items (id),
    concerns   TEXT NOT NULL,
    criteria   TEXT NOT NULL DEFAULT '',
    flagged_by TEXT NOT NULL,
    flagged    TEXT NOT NULL,
    reviewer   TEXT,
    reviewed   TEXT,
    note       TEXT NOT NULL DEFAULT ''
) STRICT;
