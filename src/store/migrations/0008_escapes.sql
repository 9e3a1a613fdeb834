-- Escaped defects: for an incident or defect found after its release went live, the
-- environment and kind of test that should have caught it (both empty: none could have).
CREATE TABLE escapes (
    source  TEXT PRIMARY KEY,
    release TEXT NOT NULL REFERENCES releases (version),
    env     TEXT,
    test    TEXT CHECK (test IN ('functional', 'non-functional')),
    by      TEXT NOT NULL,
    at      TEXT NOT NULL,
    found   TEXT NOT NULL,
    note    TEXT NOT NULL DEFAULT ''
) STRICT;
