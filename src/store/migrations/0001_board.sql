-- The board: people, projects, the one backlog and the append-only audit trail.

CREATE TABLE board (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE people (
    name    TEXT PRIMARY KEY,
    team    TEXT NOT NULL CHECK (team IN ('appdev', 'ams')),
    created TEXT NOT NULL
) STRICT;

CREATE TABLE person_roles (
    person TEXT NOT NULL REFERENCES people (name),
    role   TEXT NOT NULL,
    PRIMARY KEY (person, role)
) STRICT;

CREATE TABLE projects (
    name           TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('delivery', 'bau')),
    firebreak      INTEGER NOT NULL,
    parties        TEXT NOT NULL,
    hypercare_days INTEGER NOT NULL,
    pipeline       TEXT
) STRICT;

CREATE TABLE items (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    acceptance  TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    origin      TEXT NOT NULL,
    team        TEXT,
    project     TEXT NOT NULL REFERENCES projects (name),
    class       TEXT NOT NULL,
    due         TEXT,
    points      INTEGER,
    rank        TEXT NOT NULL UNIQUE,
    state       TEXT NOT NULL,
    blocked     TEXT,
    assignee    TEXT,
    sprint      TEXT,
    created     TEXT NOT NULL,
    entered     TEXT NOT NULL,
    updated     TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL
) STRICT;

CREATE INDEX items_by_state ON items (state, team);

-- The Kanban board's columns: their WIP limits and what happens at them.
CREATE TABLE columns (
    name      TEXT PRIMARY KEY,
    wip_limit INTEGER,
    mode      TEXT NOT NULL CHECK (mode IN ('strict', 'reasoned', 'off'))
) STRICT;

INSERT INTO columns (name, wip_limit, mode) VALUES
    ('ready', NULL, 'reasoned'),
    ('in-progress', 3, 'reasoned'),
    ('review', 2, 'reasoned'),
    ('done', NULL, 'reasoned');

-- Sprints of delivery projects; the commitment is snapshotted when one starts.
CREATE TABLE sprints (
    name       TEXT PRIMARY KEY,
    project    TEXT NOT NULL REFERENCES projects (name),
    goal       TEXT NOT NULL DEFAULT '',
    start      TEXT NOT NULL,
    end        TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('future', 'active', 'closed')),
    commitment TEXT,
    completed  INTEGER
) STRICT;

CREATE UNIQUE INDEX one_active_sprint_per_project ON sprints (project) WHERE state = 'active';

-- Releases on the path to live, the steps they ran, who signed for them, production's slots.
CREATE TABLE releases (
    version       TEXT PRIMARY KEY,
    project       TEXT NOT NULL REFERENCES projects (name),
    originator    TEXT NOT NULL,
    team          TEXT NOT NULL,
    schema_change INTEGER NOT NULL,
    items         TEXT NOT NULL,
    state         TEXT NOT NULL,
    slot          TEXT,
    restarted     INTEGER NOT NULL DEFAULT 0,
    created       TEXT NOT NULL,
    updated       TEXT NOT NULL
) STRICT;

-- A step without an outcome is running, or was interrupted if no runner holds it.
CREATE TABLE steps (
    release  TEXT NOT NULL REFERENCES releases (version),
    env      TEXT NOT NULL,
    step     TEXT NOT NULL,
    outcome  TEXT CHECK (outcome IN ('pass', 'fail')),
    started  TEXT NOT NULL,
    finished TEXT,
    seconds  REAL NOT NULL DEFAULT 0,
    log      TEXT NOT NULL DEFAULT '',
    url      TEXT,
    PRIMARY KEY (release, env, step)
) STRICT;

CREATE TABLE signs (
    release TEXT NOT NULL REFERENCES releases (version),
    kind    TEXT NOT NULL CHECK (kind IN ('firebreak', 'vote')),
    role    TEXT NOT NULL,
    person  TEXT NOT NULL,
    yes     INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    at      TEXT NOT NULL
) STRICT;

CREATE TABLE slots (
    project TEXT NOT NULL REFERENCES projects (name),
    slot    TEXT NOT NULL CHECK (slot IN ('blue', 'green')),
    release TEXT REFERENCES releases (version),
    live    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project, slot)
) STRICT;

-- Tickets the automation raised, by fingerprint (project/env/step), and how often it failed.
CREATE TABLE raised (
    fingerprint TEXT NOT NULL,
    item        INTEGER NOT NULL REFERENCES items (id),
    occurrences INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (fingerprint, item)
) STRICT;

-- Handovers to service management: a checklist per delivery project.
CREATE TABLE handovers (
    project TEXT PRIMARY KEY REFERENCES projects (name),
    started TEXT NOT NULL
) STRICT;

CREATE TABLE checks (
    project   TEXT NOT NULL REFERENCES handovers (project),
    key       TEXT NOT NULL,
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL,
    why       TEXT NOT NULL,
    expected  TEXT NOT NULL,
    mandatory INTEGER NOT NULL,
    state     TEXT NOT NULL,
    evidence  TEXT,
    submitter TEXT,
    acceptor  TEXT,
    reason    TEXT,
    until     TEXT,
    PRIMARY KEY (project, key)
) STRICT;

-- Incidents of the live service, and the backlog tickets raised from them.
CREATE TABLE incidents (
    id        TEXT PRIMARY KEY,
    title     TEXT NOT NULL,
    priority  TEXT NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
    project   TEXT NOT NULL REFERENCES projects (name),
    release   TEXT,
    team      TEXT NOT NULL,
    state     TEXT NOT NULL,
    assignee  TEXT,
    hold      TEXT,
    opened    TEXT NOT NULL,
    resolved  TEXT,
    opened_by TEXT NOT NULL
) STRICT;

CREATE TABLE links (
    item   INTEGER NOT NULL REFERENCES items (id),
    kind   TEXT NOT NULL CHECK (kind IN ('incident', 'problem')),
    target TEXT NOT NULL,
    PRIMARY KEY (item, kind, target)
) STRICT;

CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT,
    reason     TEXT,
    details    TEXT
) STRICT;

CREATE INDEX events_by_entity ON events (entity, entity_id);

CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: events are never updated');
END;

CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: events are never deleted');
END;
