//! Why a race cannot be compared. Every message is shown to committee members as written,
//! like the round's `EngineError`.

use chrono::{DateTime, Utc};

use crate::engine::Direction;
use crate::engine::format::value;

/// A rejected race. Nothing is computed when any of these is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RaceError {
    /// `confidence` or `min_reports` out of the round policy's range for the same field.
    #[error("the race's {field} {reason}")]
    InvalidSetting {
        field: &'static str,
        reason: &'static str,
    },

    #[error("the race is empty: it starts at {start}, not before its finish {finish}")]
    EmptyWindow {
        start: DateTime<Utc>,
        finish: DateTime<Utc>,
    },

    #[error("a race compares at least two bets (got {0})")]
    TooFewRacers(usize),

    #[error("bet {0} appears more than once in the race")]
    DuplicateRacer(i64),

    #[error("bet {bet_id}: {what} is not a finite number")]
    NonFiniteValue { bet_id: i64, what: String },

    #[error("bet {bet_id} is measured {}, but this race compares bets measured {}",
        words(*.racer), words(*.race))]
    DirectionMismatch {
        bet_id: i64,
        racer: Direction,
        race: Direction,
    },

    #[error("bet {bet_id}: its threshold equals its baseline ({}), so its progress is not defined",
        value(*.baseline))]
    ThresholdAtBaseline { bet_id: i64, baseline: f64 },

    #[error(
        "bet {bet_id}: its reports are too far apart in size to forecast its level at the finish (the arithmetic overflows)"
    )]
    ForecastOverflow { bet_id: i64 },

    #[error(
        "the racers' forecasts are too far apart in size to compare them (the arithmetic overflows)"
    )]
    ComparisonOverflow,
}

fn words(direction: Direction) -> &'static str {
    match direction {
        Direction::HigherIsBetter => "higher is better",
        Direction::LowerIsBetter => "lower is better",
    }
}
