DROP INDEX reports_idempotency_key;
CREATE UNIQUE INDEX reports_bet_idempotency ON reports (bet_id, idempotency_key);
