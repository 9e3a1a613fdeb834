-- Every test case a step's JUnit reports held, with its result and time: a step's detail shows
-- them beside their results in the project's earlier releases, and an escaped defect may name
-- the case that should have caught it.
CREATE TABLE cases (
    release TEXT NOT NULL REFERENCES releases (version),
    env     TEXT NOT NULL,
    step    TEXT NOT NULL,
    suite   TEXT NOT NULL,
    name    TEXT NOT NULL,
    result  TEXT NOT NULL CHECK (result IN ('passed', 'failed', 'errored', 'skipped')),
    seconds REAL NOT NULL DEFAULT 0,
    message TEXT,
    PRIMARY KEY (release, env, step, suite, name)
) STRICT;
CREATE INDEX cases_by_name ON cases (env, suite, name);
ALTER TABLE escapes ADD COLUMN test_case TEXT;
