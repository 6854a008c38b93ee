-- The whole data model of a portfolio. Timestamps are UTC, stored as TIMESTAMP text with
-- microseconds. Money is an integer count of minor units. Ids are 64-bit rowids.

CREATE TABLE portfolio (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('internal', 'external')),
    max_members INTEGER NOT NULL CHECK (max_members > 0),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('committee', 'member', 'exec', 'partner')),
    team_id INTEGER REFERENCES teams (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX users_team ON users (team_id);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    hash TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE arenas (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE bets (
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
CREATE INDEX bets_arena ON bets (arena_id);
CREATE INDEX bets_team ON bets (team_id);
CREATE INDEX bets_status ON bets (status);

CREATE TABLE thresholds (
    id INTEGER PRIMARY KEY NOT NULL,
    bet_id INTEGER NOT NULL REFERENCES bets (id),
    target DOUBLE NOT NULL,
    effective_from TIMESTAMP NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (bet_id, effective_from)
);

-- Reports are never updated: a correction is a new row whose `supersedes` names the old one.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY NOT NULL,
    bet_id INTEGER NOT NULL REFERENCES bets (id),
    value DOUBLE NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    reported_by INTEGER NOT NULL REFERENCES users (id),
    received_at TIMESTAMP NOT NULL,
    source TEXT,
    idempotency_key TEXT,
    -- With a key: a digest of the request as the client sent it, so a retry is recognised even
    -- when it left fields to their defaults (observed_at = now) and the defaults moved on.
    request_digest TEXT,
    supersedes INTEGER UNIQUE REFERENCES reports (id)
);
-- The evidence query of a round: one bet's reports in a time window.
CREATE INDEX reports_bet_observed ON reports (bet_id, observed_at);
-- An idempotency key is scoped to its bet; NULL keys never collide.
CREATE UNIQUE INDEX reports_bet_idempotency ON reports (bet_id, idempotency_key);

-- At most one draft or committed round per instant; rounds commit in `as_of` order.
CREATE TABLE rounds (
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

CREATE TABLE round_pins (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    bet_id INTEGER NOT NULL REFERENCES bets (id),
    pinned_grant BIGINT CHECK (pinned_grant IS NULL OR pinned_grant >= 0),
    waive_kill BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (round_id, bet_id)
);

CREATE TABLE round_results (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    bet_id INTEGER NOT NULL REFERENCES bets (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    n INTEGER NOT NULL,
    level DOUBLE,
    se DOUBLE,
    nu INTEGER,
    threshold DOUBLE NOT NULL,
    p_beat DOUBLE,
    outcome TEXT NOT NULL,
    streak INTEGER NOT NULL,
    progress DOUBLE,
    fitness DOUBLE NOT NULL,
    weight DOUBLE NOT NULL,
    prev_grant BIGINT NOT NULL,
    target DOUBLE NOT NULL,
    granted BIGINT NOT NULL CHECK (granted >= 0),
    pinned BOOLEAN NOT NULL,
    kill_waived BOOLEAN NOT NULL,
    decision TEXT NOT NULL,
    reasons TEXT NOT NULL,
    last_report_at TIMESTAMP,
    stale BOOLEAN NOT NULL,
    outlier_report_ids TEXT NOT NULL,
    PRIMARY KEY (round_id, bet_id)
);
CREATE INDEX round_results_bet ON round_results (bet_id);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('portfolio', 'team')),
    team_id INTEGER UNIQUE REFERENCES teams (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Double entry: money only moves from one account to another, so the sum over accounts is zero.
CREATE TABLE ledger_entries (
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
CREATE INDEX ledger_round ON ledger_entries (round_id);
CREATE INDEX ledger_bet ON ledger_entries (bet_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX audit_at ON audit_log (at);
