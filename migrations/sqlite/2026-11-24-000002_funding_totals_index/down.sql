DROP INDEX round_results_bet;
CREATE INDEX round_results_bet ON round_results (bet_id);
