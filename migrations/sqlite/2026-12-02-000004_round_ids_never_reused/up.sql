-- Round ids are never reused. Without AUTOINCREMENT SQLite hands a new row the largest id plus
-- one, so after the latest draft was deleted the next draft took its id: the audit log read
-- create, delete, create of "round 4", and a command meant for the deleted draft acted on the
-- new one. With AUTOINCREMENT the largest id ever used is kept in sqlite_sequence. Rounds are
-- the one table whose rows are deleted; every other table only grows.
--
-- AUTOINCREMENT can only be set when a table is created, so the table is rebuilt, with foreign
-- keys off (the rows that point at rounds stay valid: the ids are copied as they are). That
-- needs a migration outside diesel's transaction (metadata.toml), with one of its own.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE rounds_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
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
