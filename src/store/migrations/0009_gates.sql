-- Decisions that must never exist twice, forbidden by the schema itself: one answer per party
-- and per person at a firebreak, one go/no-go vote per role and per person, one live slot per
-- project. Duplicates left by older versions, which read outside their write, are dropped
-- (the first one stands, as it did on screen); the audit trail keeps every attempt.
DELETE FROM signs WHERE rowid NOT IN (SELECT min(rowid) FROM signs GROUP BY release, kind, role);
DELETE FROM signs WHERE rowid NOT IN (SELECT min(rowid) FROM signs GROUP BY release, kind, person);
CREATE UNIQUE INDEX signs_one_per_role ON signs (release, kind, role);
CREATE UNIQUE INDEX signs_one_per_person ON signs (release, kind, person);
CREATE UNIQUE INDEX slots_one_live ON slots (project) WHERE live = 1;

-- Who runs a release's automation now: one process at a time. `started` is the process's
-- start time as the kernel counts it, so that a pid reused after a crash is not taken for the
-- run; `token` marks every process a step starts (in its environment), so that what a dead
-- run left behind can be found and ended.
CREATE TABLE runs (
    release TEXT PRIMARY KEY REFERENCES releases (version),
    pid     INTEGER NOT NULL,
    started INTEGER NOT NULL,
    token   TEXT NOT NULL,
    since   TEXT NOT NULL
) STRICT;

-- Who reported a step: the automation account (or `automation`, the board's own runner).
ALTER TABLE steps ADD COLUMN reporter TEXT;
