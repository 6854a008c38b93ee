//! Why a backtest cannot run, or stops: each error names the policy, the round and the bet at
//! fault, in words a person can act on. The service and the command line show them as written.

use crate::engine::EngineError;

/// A refused request, a history the committed policies do not reproduce, or a replayed round
/// the engine refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BacktestError {
    /// The history holds no committed round.
    #[error("there is no committed round to backtest")]
    NoRounds,

    /// The history is not one a portfolio can have: rounds out of `as_of` order, a round twice,
    /// bets out of order. Built by the service, so this is a bug, not the caller's doing.
    #[error("the history cannot be replayed: {0}")]
    History(String),

    /// None, or too many, policies to compare.
    #[error("the policies {0}")]
    Policies(String),

    /// A policy the engine would refuse; `number` counts from 1 in the order given.
    #[error("policy {number}: {source}")]
    Policy { number: usize, source: EngineError },

    /// Replaying the committed policies, with their pins, does not give what a round stored:
    /// the history cannot be trusted as a baseline, so nothing is compared with it.
    #[error(
        "the committed policies do not reproduce round {round_id}{}: {what}; nothing was backtested",
        bet_words(*.bet_id)
    )]
    SelfCheck {
        round_id: i64,
        bet_id: Option<i64>,
        what: String,
    },

    /// The engine refused a replayed round; `number` is the policy's (0: the self-check).
    #[error("{}, round {round_id}: the engine refused the replayed round: {source}", policy_words(*.number))]
    Engine {
        number: usize,
        round_id: i64,
        source: EngineError,
    },
}

fn bet_words(bet_id: Option<i64>) -> String {
    bet_id.map_or_else(String::new, |id| format!(", bet {id}"))
}

fn policy_words(number: usize) -> String {
    if number == 0 {
        "the committed policies".to_owned()
    } else {
        format!("policy {number}")
    }
}
