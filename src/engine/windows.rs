//! Which reports a round judges (`docs/engine.md`, "Evidence over several windows"). In v1
//! each bet is judged on its reports in the round's window (window_start, as_of]. A policy with
//! `evidence_windows` k > 1 judges on the last k windows: from the start of the (k-1)-th newest
//! earlier window, or from the start of time when the portfolio has fewer earlier rounds. The
//! service and the policy lab ask this same function which reports to read, so what they read
//! and what the engine judges cannot drift apart.

use chrono::{DateTime, Utc};

use super::types::RoundInput;

/// The exclusive start of the evidence the round judges; `None` is the start of time.
///
/// Call it on a validated input (or one about to be evaluated): the earlier starts are taken
/// newest first whatever their order in the input.
pub fn judged_from(input: &RoundInput) -> Option<DateTime<Utc>> {
    judged_start(
        input.policy.evidence_windows,
        input.window_start,
        &input.earlier_window_starts,
    )
}

/// The same from its parts, for a caller that has not built the input yet: `k` windows, the
/// round's window start and the earlier starts (in any order).
pub fn judged_start<T: Copy + Ord>(k: u32, window_start: Option<T>, earlier: &[T]) -> Option<T> {
    let k = usize::try_from(k).unwrap_or(usize::MAX);
    if k <= 1 {
        return window_start;
    }
    // A round without a window start already judges everything there is.
    window_start?;
    let mut earlier = earlier.to_vec();
    earlier.sort_unstable_by(|a, b| b.cmp(a));
    earlier.get(k - 2).copied()
}
