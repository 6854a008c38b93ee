-- The internal market: services with priced plans, subscriptions billed once per period,
-- requests for extra work paid through a hold, and every team's overdraft limit.
--
-- Each team gets a second account, its hold account, where the money of the requests it
-- accepted waits until delivery. `accounts.team_id` was UNIQUE (one account per team); it is
-- now unique per (team, kind), which SQLite can only change by rebuilding the table, with
-- foreign keys off and so outside diesel's transaction (metadata.toml). Account ids are kept,
-- so every ledger entry still points at its account.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE accounts_new (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('portfolio', 'team', 'hold')),
    team_id INTEGER REFERENCES teams (id),
    name TEXT NOT NULL,
    -- How far below zero a team account may go; only the committee sets it.
    overdraft_limit BIGINT NOT NULL DEFAULT 0
        CHECK (overdraft_limit >= 0 AND overdraft_limit <= 1000000000000000),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (team_id, kind)
);
INSERT INTO accounts_new (id, kind, team_id, name, overdraft_limit, created_at)
    SELECT id, kind, team_id, name, 0, created_at FROM accounts;
INSERT INTO accounts_new (kind, team_id, name, overdraft_limit, created_at)
    SELECT 'hold', a.team_id, 'hold:' || t.name, 0, a.created_at
    FROM accounts a JOIN teams t ON t.id = a.team_id WHERE a.kind = 'team' ORDER BY a.id;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;

-- The length of a billing period in calendar months, counted from January.
ALTER TABLE portfolio ADD COLUMN billing_period_months INTEGER NOT NULL DEFAULT 1
    CHECK (billing_period_months IN (1, 2, 3, 4, 6, 12));

CREATE TABLE services (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    provider_team_id INTEGER NOT NULL REFERENCES teams (id),
    description TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX services_provider ON services (provider_team_id);

-- A plan is never changed once in force: a new price is a new row from a later period, so a
-- billing run of any period finds the plan of that period.
CREATE TABLE service_plans (
    id INTEGER PRIMARY KEY NOT NULL,
    service_id INTEGER NOT NULL REFERENCES services (id),
    effective_from TIMESTAMP NOT NULL,
    price BIGINT NOT NULL CHECK (price >= 0 AND price <= 1000000000000000),
    -- "seat": the price is per unit of it, times the subscription's quantity; NULL: flat.
    quantity_unit TEXT,
    -- Request units the service serves per period; NULL: no limit.
    capacity BIGINT CHECK (capacity IS NULL OR capacity > 0),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (service_id, effective_from)
);

CREATE TABLE request_types (
    id INTEGER PRIMARY KEY NOT NULL,
    plan_id INTEGER NOT NULL REFERENCES service_plans (id),
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_price BIGINT NOT NULL CHECK (unit_price >= 0 AND unit_price <= 1000000000000000),
    UNIQUE (plan_id, name)
);

CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY NOT NULL,
    service_id INTEGER NOT NULL REFERENCES services (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    bet_id INTEGER REFERENCES bets (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    -- The start of the first period it is billed for; `ends_at` (exclusive) the end of the
    -- last, set by a cancellation.
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    cancelled_by INTEGER REFERENCES users (id),
    cancelled_at TIMESTAMP,
    CHECK (ends_at IS NULL OR ends_at >= starts_at)
);
CREATE INDEX subscriptions_service ON subscriptions (service_id);
CREATE INDEX subscriptions_team ON subscriptions (team_id);

CREATE TABLE requests (
    id INTEGER PRIMARY KEY NOT NULL,
    service_id INTEGER NOT NULL REFERENCES services (id),
    -- The requesting team, which pays.
    team_id INTEGER NOT NULL REFERENCES teams (id),
    request_type_id INTEGER NOT NULL REFERENCES request_types (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    purpose TEXT NOT NULL,
    bet_id INTEGER REFERENCES bets (id),
    max_total BIGINT NOT NULL CHECK (max_total >= 0),
    status TEXT NOT NULL CHECK (status IN
        ('open', 'quoted', 'accepted', 'delivered', 'declined', 'withdrawn', 'cancelled')),
    quote_total BIGINT CHECK (quote_total IS NULL OR quote_total >= 0),
    quote_expires_at TIMESTAMP,
    quoted_at TIMESTAMP,
    -- While accepted: what is held, and what delivery pays.
    offer BIGINT CHECK (offer IS NULL OR offer >= 0),
    accepted_at TIMESTAMP,
    closed_at TIMESTAMP,
    closed_by INTEGER REFERENCES users (id),
    close_reason TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX requests_service_status ON requests (service_id, status);
CREATE INDEX requests_team ON requests (team_id);

-- Like rounds, drafts may be deleted, and their ids are never handed out again.
CREATE TABLE billing_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    period_start TIMESTAMP NOT NULL UNIQUE,
    period_end TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'committed')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    -- The latest preview, then at commit what was committed (JSON).
    preview TEXT,
    previewed_at TIMESTAMP,
    committed_by INTEGER REFERENCES users (id),
    committed_at TIMESTAMP,
    charged BIGINT,
    unpaid BIGINT,
    CHECK (period_end > period_start)
);

-- A charge a billing run could not make: the subscriber could not pay it then. It is not
-- carried into the next period; it stays on both teams' statements.
CREATE TABLE unpaid_charges (
    billing_run_id INTEGER NOT NULL REFERENCES billing_runs (id),
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
    service_id INTEGER NOT NULL REFERENCES services (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    provider_team_id INTEGER NOT NULL REFERENCES teams (id),
    bet_id INTEGER REFERENCES bets (id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    shortfall BIGINT NOT NULL CHECK (shortfall > 0),
    PRIMARY KEY (billing_run_id, subscription_id)
);
CREATE INDEX unpaid_charges_team ON unpaid_charges (team_id);
CREATE INDEX unpaid_charges_provider ON unpaid_charges (provider_team_id);

-- A client's idempotency key for one market write: a retry with the same key and content
-- answers with the object the first attempt wrote, and writes nothing.
CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL REFERENCES users (id),
    key TEXT NOT NULL,
    operation TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Every entry says what moved the money, and names its billing run, subscription, request
-- and service where it has one.
ALTER TABLE ledger_entries ADD COLUMN kind TEXT NOT NULL DEFAULT 'grant'
    CHECK (kind IN ('grant', 'charge', 'hold', 'release', 'payment'));
ALTER TABLE ledger_entries ADD COLUMN billing_run_id INTEGER REFERENCES billing_runs (id);
ALTER TABLE ledger_entries ADD COLUMN subscription_id INTEGER REFERENCES subscriptions (id);
ALTER TABLE ledger_entries ADD COLUMN request_id INTEGER REFERENCES requests (id);
ALTER TABLE ledger_entries ADD COLUMN service_id INTEGER REFERENCES services (id);
-- A balance and a statement read one account's entries in a range of time.
CREATE INDEX ledger_from_at ON ledger_entries (from_account, created_at);
CREATE INDEX ledger_to_at ON ledger_entries (to_account, created_at);
CREATE INDEX ledger_billing_run ON ledger_entries (billing_run_id);
CREATE INDEX ledger_request ON ledger_entries (request_id);

COMMIT;
PRAGMA foreign_keys = ON;
