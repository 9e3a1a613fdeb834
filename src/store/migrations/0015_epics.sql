-- An epic (an item of kind `epic`) groups stories and enhancements: each item is in at most
-- one, found from either side. Items may now be of kind `epic`, which an older build cannot
-- read.
CREATE TABLE epic_members (
    item INTEGER PRIMARY KEY REFERENCES items (id),
    epic INTEGER NOT NULL REFERENCES items (id)
) STRICT;
CREATE INDEX epic_members_by_epic ON epic_members (epic);
