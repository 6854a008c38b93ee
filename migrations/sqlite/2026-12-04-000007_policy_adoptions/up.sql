-- The portfolio's default policy for new drafts, as the committee adopts it from the policy
-- lab: every adoption is kept (the latest is in force), with its reason and the lab run it
-- came from. Rows are only ever inserted.
CREATE TABLE policy_adoptions (
    id INTEGER PRIMARY KEY NOT NULL,
    policy TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- What the lab ran to find it, in words ("lab recommend --scenario hard ..."); NULL when
    -- the committee adopted a policy of its own.
    lab_run TEXT,
    adopted_by INTEGER NOT NULL REFERENCES users (id),
    adopted_at TIMESTAMP NOT NULL
);
CREATE INDEX policy_adoptions_adopted_at ON policy_adoptions (adopted_at);
