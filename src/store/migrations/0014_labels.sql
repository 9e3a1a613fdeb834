-- Free words on items and incidents ("payments", "a11y"): a row per label, found by its word
-- for the counts and the filter, by its record for the rows on screen.
CREATE TABLE labels (
    entity    TEXT NOT NULL CHECK (entity IN ('item', 'incident')),
    entity_id TEXT NOT NULL,
    label     TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, label)
) STRICT;
CREATE INDEX labels_by_word ON labels (label);
