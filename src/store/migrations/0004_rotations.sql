-- Rotations between the teams: a person's membership of the other team for a span of days.
CREATE TABLE rotations (
    person TEXT NOT NULL REFERENCES people (name),
    team   TEXT NOT NULL CHECK (team IN ('appdev', 'ams')),
    "from" TEXT NOT NULL,
    "to"   TEXT NOT NULL,
    PRIMARY KEY (person, "from")
) STRICT;
