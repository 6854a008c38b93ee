-- Back to the table as it was created (ids may be reused again).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE rounds_new (
    id INTEGER PRIMARY KEY NOT NULL,
    budget BIGINT NOT NULL CHECK (budget >= 0),
    currency TEXT NOT NULL,
    as_of TIMESTAMP NOT NULL UNIQUE,
    window_start TIMESTAMP,
    policy TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'committed')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    preview TEXT,
    previewed_at TIMESTAMP,
    committed_by INTEGER REFERENCES users (id),
    committed_at TIMESTAMP,
    reserve BIGINT,
    -- Set at commit: the engine's input without its observations and the ids of the reports
    -- it used (as ranges, "1-500,502"), so anyone can recompute the round and compare it with
    -- what `preview` (then the committed evaluation) and round_results hold.
    engine_input TEXT,
    report_ids TEXT
);
INSERT INTO rounds_new SELECT * FROM rounds;
DROP TABLE rounds;
ALTER TABLE rounds_new RENAME TO rounds;
COMMIT;
PRAGMA foreign_keys = ON;
