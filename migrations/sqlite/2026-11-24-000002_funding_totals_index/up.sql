-- What each bet was granted over all rounds, read by the portfolio page on every view, is summed
-- from this index alone (bet_id first, so the sums come out grouped), never from the table.
-- It replaces the index on bet_id only, which it also serves.
DROP INDEX round_results_bet;
CREATE INDEX round_results_bet ON round_results (bet_id, round_id, granted);
