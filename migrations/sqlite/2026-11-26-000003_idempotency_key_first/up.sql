-- Idempotency keys, key first and only where there is a key. A report was entered in the
-- (bet_id, idempotency_key) index at its bet's place, so a group of reports for many bets
-- dirtied one index page per report. Key first, keys that clients make from a clock or a
-- counter (UUIDv7, ULID, a sequence) land side by side, and random ones cost what they did.
-- Reports without a key are left out: a NULL key never collides. Lookups give both the bet
-- and the key, so either order answers them; a key stays scoped to its bet.
DROP INDEX reports_bet_idempotency;
CREATE UNIQUE INDEX reports_idempotency_key ON reports (idempotency_key, bet_id)
    WHERE idempotency_key IS NOT NULL;
