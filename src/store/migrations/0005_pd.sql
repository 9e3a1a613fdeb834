-- Problem determination on a halted release, by the team that originated it.
CREATE TABLE pd (
    release   TEXT PRIMARY KEY REFERENCES releases (version),
    findings  TEXT NOT NULL,
    cause     TEXT CHECK (cause IN ('code', 'test', 'environment', 'data', 'dependency')),
    by        TEXT NOT NULL,
    updated   TEXT NOT NULL,
    concluded TEXT
) STRICT;
