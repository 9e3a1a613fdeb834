-- The audit trail proves itself: each event has a seal, the hash of its content and of the seal
-- before it, so that `firebreak audit --verify` names the first event changed, removed or
-- forged. Seals are append-only like the events, and neither may be replaced: a hand-written
-- `INSERT OR REPLACE` would otherwise swap a row without the update and delete triggers seeing
-- it. The seals of the events already there are computed by the migration.
CREATE TABLE seals (
    event INTEGER PRIMARY KEY REFERENCES events (id),
    hash  TEXT NOT NULL
) STRICT;

CREATE TRIGGER events_are_never_replaced BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: an event is never replaced');
END;

CREATE TRIGGER seals_are_never_updated BEFORE UPDATE ON seals
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: seals are never updated');
END;

CREATE TRIGGER seals_are_never_deleted BEFORE DELETE ON seals
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: seals are never deleted');
END;

CREATE TRIGGER seals_are_never_replaced BEFORE INSERT ON seals
WHEN EXISTS (SELECT 1 FROM seals WHERE event = NEW.event)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: a seal is never replaced');
END;
