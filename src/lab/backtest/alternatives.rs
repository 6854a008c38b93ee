//! The alternatives replayed side by side, on as many threads as there are cores (at most 8),
//! through the lab's `parallel::map_indexed`. Each policy's replay depends on no other and is
//! computed whole on one thread, so the figures are the same bit for bit on one thread or
//! eight; results come back in the order the policies were given, and the first refusal in
//! that order is the one returned. Progress is reported on the caller's thread, a policy's
//! rounds at a time.

use crate::engine::Policy;
use crate::lab::parallel::{default_threads, map_indexed};

use super::error::BacktestError;
use super::history::History;
use super::replay::{Replay, replay};
use super::report::{PolicyRun, policy_run};

/// Every policy's run against `actual`, numbered from 1 in the order given; `progress` is
/// called once per replayed round.
pub(super) fn run_all(
    history: &History,
    policies: &[Option<Policy>],
    keep_pins: bool,
    actual: &Replay,
    progress: &mut dyn FnMut(),
) -> Result<Vec<PolicyRun>, BacktestError> {
    let rounds = history.rounds.len();
    let threads = default_threads().min(8);
    let runs = map_indexed(
        policies.len(),
        threads,
        |i| one(history, i + 1, &policies[i], keep_pins, actual),
        &mut |_, _| (0..rounds).for_each(|_| progress()),
    );
    runs.into_iter().collect()
}

/// One policy's replay and figures; an engine refusal names the policy.
fn one(
    history: &History,
    number: usize,
    policy: &Option<Policy>,
    keep_pins: bool,
    actual: &Replay,
) -> Result<PolicyRun, BacktestError> {
    let replayed = replay(history, policy.as_ref(), keep_pins).map_err(|e| match e {
        BacktestError::Engine {
            round_id, source, ..
        } => BacktestError::Engine {
            number,
            round_id,
            source,
        },
        other => other,
    })?;
    Ok(policy_run(
        number,
        policy.clone(),
        &replayed,
        actual,
        history,
    ))
}
