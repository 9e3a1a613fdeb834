-- The audit trail read in time order, as `firebreak audit` prints it, straight from an index:
-- no sort of the whole history, whatever its length.
CREATE INDEX events_by_time ON events (at, id);
