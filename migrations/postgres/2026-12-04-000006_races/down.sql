-- Back to bets without races. A merged bet reads as killed: it is closed either way.
DROP TABLE race_racers;
DROP TABLE races;
UPDATE bets SET status = 'killed' WHERE status = 'merged';
ALTER TABLE bets DROP CONSTRAINT bets_status_check;
ALTER TABLE bets ADD CONSTRAINT bets_status_check
    CHECK (status IN ('proposed', 'active', 'killed', 'graduated'));
