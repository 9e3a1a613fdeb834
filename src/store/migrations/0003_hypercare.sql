-- Hypercare: one per delivery release that went live.
CREATE TABLE hypercare (
    release   TEXT PRIMARY KEY REFERENCES releases (version),
    project   TEXT NOT NULL REFERENCES projects (name),
    started   TEXT NOT NULL,
    ends      TEXT NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('active', 'extended', 'closed')),
    closed_by TEXT
) STRICT;
