-- Tickets raised from a halted release's problem determination link to the release and to the
-- defect the automation raised; the links table learns those two kinds.
CREATE TABLE links_new (
    item   INTEGER NOT NULL REFERENCES items (id),
    kind   TEXT NOT NULL CHECK (kind IN ('incident', 'problem', 'release', 'defect')),
    target TEXT NOT NULL,
    PRIMARY KEY (item, kind, target)
) STRICT;
INSERT INTO links_new (item, kind, target) SELECT item, kind, target FROM links;
DROP TABLE links;
ALTER TABLE links_new RENAME TO links;

-- The one re-run of a failed step a release manager may make when the cause was the environment.
ALTER TABLE pd ADD COLUMN rerun TEXT;
