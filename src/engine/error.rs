//! Why a round cannot be evaluated. Every message is shown to committee members as written.

use chrono::{DateTime, Utc};

use super::format::{money, value};
use super::types::Direction;

/// A rejected round. Nothing is computed when any of these is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    #[error("the policy's {field} {reason}")]
    InvalidPolicy {
        field: &'static str,
        reason: &'static str,
    },

    #[error("the budget must not be negative (got {})", money(*.0))]
    NegativeBudget(i64),

    /// An amount beyond what the engine can count exactly (`MAX_AMOUNT`). `bet_id` is `None`
    /// for the budget.
    #[error("{} {what} of {} is more than the largest amount the engine handles ({})",
        owner(*.bet_id), money(*.amount), money(*.max))]
    AmountTooLarge {
        bet_id: Option<i64>,
        what: &'static str,
        amount: i64,
        max: i64,
    },

    #[error("bet {bet_id}: its {what} must not be negative (got {})", money(*.amount))]
    NegativeAmount {
        bet_id: i64,
        what: &'static str,
        amount: i64,
    },

    #[error(
        "the evidence window is empty: it starts at {window_start}, not before the round's as-of instant {as_of}"
    )]
    EmptyWindow {
        window_start: DateTime<Utc>,
        as_of: DateTime<Utc>,
    },

    #[error("an earlier window start ({at}) must be before the window start{}",
        window_words(*.window_start))]
    EarlierWindowStart {
        at: DateTime<Utc>,
        window_start: Option<DateTime<Utc>>,
    },

    #[error("the earlier window start {0} is given more than once")]
    DuplicateWindowStart(DateTime<Utc>),

    #[error("bet {0} appears more than once in the round")]
    DuplicateBet(i64),

    #[error("bet {bet_id} is marked new but has a previous grant of {}; a new bet has never been granted money", money(*.prev_grant))]
    NewBetWithPrevGrant { bet_id: i64, prev_grant: i64 },

    #[error("bet {bet_id}: {what} is not a finite number")]
    NonFiniteValue { bet_id: i64, what: String },

    #[error("bet {bet_id}: its threshold {} does not ask for improvement over its baseline {} ({})",
        value(*.threshold), value(*.baseline), direction_words(*.direction))]
    ThresholdNotImprovement {
        bet_id: i64,
        direction: Direction,
        baseline: f64,
        threshold: f64,
    },

    #[error(
        "bet {bet_id}: its reports are too far apart in size to estimate a level (the arithmetic overflows)"
    )]
    EstimateOverflow { bet_id: i64 },

    /// Fitness or the sum of the weights is too large for a float: only reachable with an
    /// extreme progress cap and selection pressure. `bet_id` is `None` for the sum.
    #[error("{}: lower the progress cap or the selection pressure", weight_subject(*.bet_id))]
    WeightOverflow { bet_id: Option<i64> },

    #[error("a pin names bet {0}, which is not in this round")]
    PinForUnknownBet(i64),

    #[error("bet {0} is pinned more than once; give one pin per bet")]
    DuplicatePin(i64),

    #[error("the pin on bet {0} neither fixes a grant nor waives a kill")]
    EmptyPin(i64),

    #[error("the pin on bet {0} has no written reason")]
    PinWithoutReason(i64),

    #[error("pinned grants total {}, more than the budget of {}", money(*.pinned), money(*.budget))]
    PinsExceedBudget { pinned: i64, budget: i64 },

    #[error("money_decimals must be between 0 and {max} (got {0})", max = super::format::MAX_MONEY_DECIMALS)]
    MoneyDecimals(u32),
}

fn owner(bet_id: Option<i64>) -> String {
    match bet_id {
        Some(id) => format!("bet {id}: its"),
        None => "the round's".to_owned(),
    }
}

fn weight_subject(bet_id: Option<i64>) -> String {
    match bet_id {
        Some(id) => format!("bet {id}: its fitness is too large to compute"),
        None => "the bets' weights add up to more than the engine can compute".to_owned(),
    }
}

fn direction_words(direction: Direction) -> &'static str {
    match direction {
        Direction::HigherIsBetter => "higher is better",
        Direction::LowerIsBetter => "lower is better",
    }
}

/// The window start an earlier one is compared with, in words.
fn window_words(window_start: Option<DateTime<Utc>>) -> String {
    window_start.map_or_else(
        || " (this round has none: its window reaches back to the start of time)".to_owned(),
        |w| format!(" ({w})"),
    )
}
