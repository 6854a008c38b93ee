//! The backtest as a use case: who may run it, the request, and the pure backtest over the
//! history read once from the database (`docs/lab-backtest.md`). It writes nothing.

use serde::Deserialize;
use utoipa::ToSchema;

use super::history::{self, RoundRange};
use crate::db::DbConnection;
use crate::domain::Actor;
use crate::engine::Policy;
use crate::error::AppError;
use crate::lab::backtest::{self as pure, BacktestError, BacktestReport};

/// What to backtest.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestRequest {
    /// The alternatives, 1 to 50, each compared with the actual history: a policy (missing
    /// fields take the engine's defaults), or null for each round's own committed policy (with
    /// `drop_pins`, the history without its pins).
    pub policies: Vec<Option<Policy>>,
    /// Only the committed rounds whose id is in this range; all of them when absent.
    #[serde(default)]
    pub rounds: Option<RoundRange>,
    /// Replay the alternatives without the committee's pins.
    #[serde(default)]
    pub drop_pins: bool,
}

/// Backtests the request's policies over the committed rounds (committee and executives).
pub fn backtest(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &BacktestRequest,
) -> Result<BacktestReport, AppError> {
    backtest_with_progress(conn, actor, request, &mut |_, _| {})
}

/// [`backtest`], calling `progress(done, total)` after each replayed round (for a progress
/// bar; reading the history comes before the first call).
pub fn backtest_with_progress(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &BacktestRequest,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BacktestReport, AppError> {
    if !actor.can_oversee() {
        return Err(AppError::forbidden(
            "the backtest is run by the committee and executives",
        ));
    }
    // The request's own faults first, before reading a whole history.
    pure::check_policies(&request.policies).map_err(refused)?;
    let history = history::read(conn, request.rounds)?;
    pure::backtest(&history, &request.policies, !request.drop_pins, progress).map_err(refused)
}

/// The backtest's refusals as the API's: the caller's policies are invalid values; a history
/// the committed policies do not reproduce contradicts what is stored.
fn refused(e: BacktestError) -> AppError {
    let message = e.to_string();
    match e {
        BacktestError::Policies(_) => AppError::invalid("policies", message),
        BacktestError::Policy { number, .. } => {
            AppError::invalid(format!("policies[{}]", number.saturating_sub(1)), message)
        }
        BacktestError::Engine { number, .. } if number > 0 => {
            AppError::invalid(format!("policies[{}]", number.saturating_sub(1)), message)
        }
        BacktestError::NoRounds => AppError::conflict("nothing_to_backtest", message),
        BacktestError::SelfCheck { .. } | BacktestError::Engine { .. } => {
            AppError::conflict("history_not_reproduced", message)
        }
        BacktestError::History(_) => AppError::internal(&message),
    }
}
