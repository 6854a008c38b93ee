-- Races: in an arena, two or more bets of different teams compared on one measure until a
-- finish, then decided (the winner advances, each loser is killed, merged or continues).
--
-- A bet may now end `merged` into a race's winner. SQLite changes a CHECK only by rebuilding the
-- table, with foreign keys off and so outside diesel's transaction (metadata.toml); bet ids are
-- kept, so every row that points at a bet still does.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE bets_new (
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
    status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'killed', 'graduated', 'merged')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    activated_at TIMESTAMP,
    closed_at TIMESTAMP
);
INSERT INTO bets_new SELECT id, slug, arena_id, team_id, title, thesis, metric_name, metric_unit,
    direction, baseline, seed_request, stage, status, created_by, created_at, activated_at,
    closed_at FROM bets;
DROP TABLE bets;
ALTER TABLE bets_new RENAME TO bets;
CREATE INDEX bets_arena ON bets (arena_id);
CREATE INDEX bets_team ON bets (team_id);
CREATE INDEX bets_status ON bets (status);

CREATE TABLE races (
    id INTEGER PRIMARY KEY NOT NULL,
    arena_id INTEGER NOT NULL REFERENCES arenas (id),
    name TEXT NOT NULL,
    measure TEXT NOT NULL CHECK (measure IN ('metric', 'progress')),
    -- The racers' common metric, for a race on it; NULL for a race on progress.
    metric_name TEXT,
    metric_unit TEXT,
    direction TEXT CHECK (direction IS NULL OR direction IN ('higher_is_better', 'lower_is_better')),
    starts_at TIMESTAMP NOT NULL,
    finish_at TIMESTAMP NOT NULL,
    confidence DOUBLE NOT NULL CHECK (confidence > 0.5 AND confidence < 1),
    min_reports INTEGER NOT NULL CHECK (min_reports >= 3),
    prize BIGINT CHECK (prize IS NULL OR prize > 0),
    status TEXT NOT NULL CHECK (status IN ('running', 'decided')),
    winner_bet_id INTEGER REFERENCES bets (id),
    decision_reason TEXT,
    decided_by INTEGER REFERENCES users (id),
    decided_at TIMESTAMP,
    -- The draft round the prize is pinned on; NULL while it waits for a draft (and again when
    -- that draft is deleted).
    prize_round_id INTEGER REFERENCES rounds (id) ON DELETE SET NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (finish_at > starts_at),
    CHECK ((measure = 'metric') = (direction IS NOT NULL))
);
-- At most one race under way per arena.
CREATE UNIQUE INDEX races_one_running_per_arena ON races (arena_id) WHERE status = 'running';

CREATE TABLE race_racers (
    race_id INTEGER NOT NULL REFERENCES races (id),
    bet_id INTEGER NOT NULL REFERENCES bets (id),
    -- The bet's team when the race was declared (a merge does not rewrite history).
    team_id INTEGER NOT NULL REFERENCES teams (id),
    -- Still racing: false once the race is decided or the bet left it (killed by a round).
    racing BOOLEAN NOT NULL,
    fate TEXT CHECK (fate IS NULL OR fate IN ('winner', 'killed', 'merged', 'continues', 'left')),
    left_at TIMESTAMP,
    PRIMARY KEY (race_id, bet_id)
);
-- A bet is in at most one race at a time.
CREATE UNIQUE INDEX race_racers_one_race_per_bet ON race_racers (bet_id) WHERE racing;

COMMIT;
PRAGMA foreign_keys = ON;
