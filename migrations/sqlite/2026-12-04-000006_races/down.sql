-- Back to bets without races. A merged bet reads as killed: it is closed either way.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE race_racers;
DROP TABLE races;
CREATE TABLE bets_old (
    id INTEGER PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    arena_id INTEGER NOT NULL REFERENCES arenas (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    title TEXT NOT NULL,
    thesis TEXT NOT NULL,
    metric_name TEXT NOT NULL,
    metric_unit TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    baseline DOUBLE NOT NULL,
    seed_request BIGINT CHECK (seed_request IS NULL OR seed_request >= 0),
    stage TEXT NOT NULL CHECK (stage IN ('explore', 'validate', 'scale')),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'killed', 'graduated')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    activated_at TIMESTAMP,
    closed_at TIMESTAMP
);
INSERT INTO bets_old SELECT id, slug, arena_id, team_id, title, thesis, metric_name, metric_unit,
    direction, baseline, seed_request, stage,
    CASE status WHEN 'merged' THEN 'killed' ELSE status END,
    created_by, created_at, activated_at, closed_at FROM bets;
DROP TABLE bets;
ALTER TABLE bets_old RENAME TO bets;
CREATE INDEX bets_arena ON bets (arena_id);
CREATE INDEX bets_team ON bets (team_id);
CREATE INDEX bets_status ON bets (status);
COMMIT;
PRAGMA foreign_keys = ON;
