-- Problems of the live service: the cause behind incidents, fixed through backlog tickets.
CREATE TABLE problems (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    state      TEXT NOT NULL,
    workaround TEXT,
    opened     TEXT NOT NULL,
    opened_by  TEXT NOT NULL,
    resolved   TEXT
) STRICT;

CREATE TABLE problem_incidents (
    problem  TEXT NOT NULL REFERENCES problems (id),
    incident TEXT NOT NULL REFERENCES incidents (id),
    PRIMARY KEY (problem, incident)
) STRICT;
