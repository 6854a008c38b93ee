//! The alternatives replayed side by side, on as many threads as there are cores (at most 8).
//! Each policy's replay depends on no other, and each one is computed whole on one thread, so
//! the figures are the same bit for bit on one thread or eight; results are put back in the
//! order the policies were given, and the first refusal in that order is the one returned.
//! Progress comes back over a channel to the caller's thread, the only one that reports it.

use std::sync::mpsc;

use crate::engine::Policy;

use super::error::BacktestError;
use super::history::History;
use super::replay::{Replay, replay_with};
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
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(policies.len())
        .max(1);
    let (ticks, ticked) = mpsc::channel::<()>();
    let mut runs: Vec<(usize, Result<PolicyRun, BacktestError>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|first| {
                let ticks = ticks.clone();
                scope.spawn(move || {
                    policies
                        .iter()
                        .enumerate()
                        .skip(first)
                        .step_by(threads)
                        .map(|(i, policy)| {
                            (i, one(history, i + 1, policy, keep_pins, actual, &ticks))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // The workers hold the only senders left: the loop ends when the last one is done.
        drop(ticks);
        for () in ticked {
            progress();
        }
        workers
            .into_iter()
            // A worker that panicked has a bug to surface, not a policy to leave out.
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    runs.sort_by_key(|(i, _)| *i);
    runs.into_iter().map(|(_, run)| run).collect()
}

/// One policy's replay and figures; an engine refusal names the policy.
fn one(
    history: &History,
    number: usize,
    policy: &Option<Policy>,
    keep_pins: bool,
    actual: &Replay,
    ticks: &mpsc::Sender<()>,
) -> Result<PolicyRun, BacktestError> {
    let replayed = replay_with(history, policy.as_ref(), keep_pins, &mut || {
        // The caller's thread stops listening only once every worker is done.
        let _ = ticks.send(());
    })
    .map_err(|e| match e {
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
