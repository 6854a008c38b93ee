//! The backtest: a portfolio's own committed history replayed under other policies. Where the
//! rest of the lab invents portfolios whose truth it knows, the backtest takes the one the
//! committee really ran and asks what another policy would have done with the same evidence,
//! round after round, chaining its own kills, grants and streaks (`docs/lab-backtest.md`).
//!
//! It is pure, like the engine it calls: it works on a [`History`] already in memory (the
//! service reads it from the database once, `services::lab::history`) and reads no clock.
//!
//! Modules, one purpose each:
//! - `history`: the compact history and its shape;
//! - `replay`: one policy over the history through `engine::evaluate`, with the marks;
//! - `alternatives`: the policies' replays side by side on threads;
//! - `self_check`: the committed policies must give back every stored round first;
//! - `windows`: a policy judging several windows gets the earlier rounds' stored reports;
//! - `figures`: a round's figures and the sums over the history;
//! - `report`: the report's JSON and how a replay becomes it;
//! - `error`: why a backtest refuses or stops.

mod alternatives;
mod error;
mod figures;
mod history;
mod replay;
mod report;
mod self_check;
mod windows;

#[cfg(test)]
mod tests;

pub use error::BacktestError;
pub use figures::Figures;
pub use history::{History, HistoryRound, StoredBet};
pub use replay::{Mark, Replay, ReplayedRound, Step, replay};
pub use report::{BacktestReport, BetLine, FORMAT_VERSION, PolicyRound, PolicyRun, RoundHeader};
pub use self_check::self_check;

use crate::engine::Policy;

/// The most policies one backtest compares with the actual history.
pub const MAX_POLICIES: usize = 50;

/// Backtests `policies` (`None`: each round's committed policy) over `history`, against the
/// actual history: first the self-check, then each policy's replay, keeping the committee's
/// pins or dropping them. `progress(done, total)` is called after each replayed round, on the
/// caller's thread.
pub fn backtest(
    history: &History,
    policies: &[Option<Policy>],
    keep_pins: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BacktestReport, BacktestError> {
    check_policies(policies)?;
    history.check()?;
    let total = history.rounds.len() * (policies.len() + 1);
    let mut done = 0;
    let mut tick = || {
        done += 1;
        progress(done, total);
    };
    let actual = self_check(history, &mut tick)?;
    let alternatives = alternatives::run_all(history, policies, keep_pins, &actual, &mut tick)?;
    Ok(BacktestReport {
        format: FORMAT_VERSION,
        currency: history.currency.clone(),
        drop_pins: !keep_pins,
        rounds: report::headers(history),
        actual: report::policy_run(0, None, &actual, &actual, history),
        alternatives,
    })
}

/// One to [`MAX_POLICIES`] policies, each inside the engine's ranges.
pub fn check_policies(policies: &[Option<Policy>]) -> Result<(), BacktestError> {
    if policies.is_empty() {
        return Err(BacktestError::Policies(
            "to backtest must be at least one (none was given)".into(),
        ));
    }
    if policies.len() > MAX_POLICIES {
        return Err(BacktestError::Policies(format!(
            "to backtest are at most {MAX_POLICIES} at once ({} were given)",
            policies.len()
        )));
    }
    for (i, policy) in policies.iter().enumerate() {
        if let Some(policy) = policy {
            policy.validate().map_err(|source| BacktestError::Policy {
                number: i + 1,
                source,
            })?;
        }
    }
    Ok(())
}
