-- Back to the portfolio without a market. Market entries and hold accounts are dropped with
-- it, so the ledger's remaining entries still sum to zero only if no market money moved.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP INDEX ledger_request;
DROP INDEX ledger_billing_run;
DROP INDEX ledger_to_at;
DROP INDEX ledger_from_at;
-- Columns that reference other tables cannot be dropped in SQLite: the table is rebuilt.
CREATE TABLE ledger_old (
    id INTEGER PRIMARY KEY NOT NULL,
    from_account INTEGER NOT NULL REFERENCES accounts (id),
    to_account INTEGER NOT NULL REFERENCES accounts (id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    round_id INTEGER REFERENCES rounds (id),
    bet_id INTEGER REFERENCES bets (id),
    memo TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (from_account <> to_account)
);
INSERT INTO ledger_old SELECT id, from_account, to_account, amount, round_id, bet_id, memo,
    created_at FROM ledger_entries WHERE kind = 'grant';
DROP TABLE ledger_entries;
ALTER TABLE ledger_old RENAME TO ledger_entries;
CREATE INDEX ledger_round ON ledger_entries (round_id);
CREATE INDEX ledger_bet ON ledger_entries (bet_id);
DROP TABLE idempotency_keys;
DROP TABLE unpaid_charges;
DROP TABLE billing_runs;
DROP TABLE requests;
DROP TABLE subscriptions;
DROP TABLE request_types;
DROP TABLE service_plans;
DROP TABLE services;
ALTER TABLE portfolio DROP COLUMN billing_period_months;
CREATE TABLE accounts_old (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('portfolio', 'team')),
    team_id INTEGER UNIQUE REFERENCES teams (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO accounts_old SELECT id, kind, team_id, name, created_at FROM accounts
    WHERE kind <> 'hold';
DROP TABLE accounts;
ALTER TABLE accounts_old RENAME TO accounts;
COMMIT;
PRAGMA foreign_keys = ON;
