//! The compact history a backtest replays: each committed round's engine input with its
//! evidence put back (exactly the reports the round used) and what the round stored for each
//! bet. The service reads it from the database once (`services::lab::history`); tests build it
//! by hand. Everything a replay needs is here, so a replay reads nothing else.

use crate::engine::{Decision, Outcome, RoundInput};

use super::error::BacktestError;

/// The committed rounds of a portfolio (or of a range of them), oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The portfolio's currency (ISO 4217), passed on to the report for people to read money.
    pub currency: String,
    /// In ascending `as_of`.
    pub rounds: Vec<HistoryRound>,
}

/// One committed round.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRound {
    pub round_id: i64,
    /// The input the round was committed with: budget, as_of, window, policy, pins, money
    /// decimals, and per bet its `prev_grant`, `prev_streak` and `is_new` as the real history
    /// had them; each bet's observations are the reports the round stored the ids of.
    pub input: RoundInput,
    /// What the round stored: one per bet of `input`, in ascending bet id.
    pub stored: Vec<StoredBet>,
    /// The round's stored reserve.
    pub reserve: i64,
}

/// What a committed round stored for one bet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredBet {
    pub bet_id: i64,
    pub grant: i64,
    pub decision: Decision,
    pub streak: u32,
    pub outcome: Outcome,
}

impl History {
    /// The shape a replay relies on: at least one round, `as_of` strictly ascending, no round
    /// twice, and each round's stored bets in ascending id without repeats.
    pub fn check(&self) -> Result<(), BacktestError> {
        if self.rounds.is_empty() {
            return Err(BacktestError::NoRounds);
        }
        for pair in self.rounds.windows(2) {
            if let [a, b] = pair
                && a.input.as_of >= b.input.as_of
            {
                return Err(BacktestError::History(format!(
                    "round {} (as of {}) comes before round {} (as of {})",
                    a.round_id, a.input.as_of, b.round_id, b.input.as_of
                )));
            }
        }
        let mut ids: Vec<i64> = self.rounds.iter().map(|r| r.round_id).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|p| p[0] == p[1]) {
            return Err(BacktestError::History(format!(
                "round {} appears twice",
                pair[0]
            )));
        }
        for round in &self.rounds {
            if round.stored.windows(2).any(|p| p[0].bet_id >= p[1].bet_id) {
                return Err(BacktestError::History(format!(
                    "round {}: its stored bets are not in ascending id",
                    round.round_id
                )));
            }
        }
        Ok(())
    }

    /// How many reports the history's rounds used, over all rounds.
    pub fn reports(&self) -> usize {
        self.rounds
            .iter()
            .flat_map(|r| &r.input.bets)
            .map(|b| b.observations.len())
            .sum()
    }
}

impl HistoryRound {
    /// What the round stored for a bet; `None` when the bet was not in the round.
    pub fn stored_bet(&self, bet_id: i64) -> Option<&StoredBet> {
        self.stored
            .binary_search_by_key(&bet_id, |s| s.bet_id)
            .ok()
            .and_then(|i| self.stored.get(i))
    }
}
