//! A replayed round under a policy that judges several evidence windows (`evidence_windows`
//! k > 1, `docs/engine.md`, "Evidence over several windows"): its bets get the reports of the
//! last k committed rounds, as those rounds stored them, and the input the earlier rounds'
//! as-of instants. Each committed round contributes the reports of its own slice of time,
//! (the previous round's as_of, its as_of], so that a report used by two rounds (a round that
//! itself judged several windows) is taken once. Reports before the history's first round are
//! not in the history: a range's first rounds judge on what the range holds.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::history::HistoryRound;
use crate::engine::{Observation, RoundInput, judged_from};

/// Widens `input` (the replay's input for `round`) to the policy's k windows, reading the
/// reports of `earlier`, the history's rounds before `round`, oldest first. The reports the
/// committed round judged itself are its own, exactly as stored; earlier rounds only add what
/// lies before them. Nothing changes for k = 1.
pub fn widen(input: &mut RoundInput, round: &HistoryRound, earlier: &[HistoryRound]) {
    if input.policy.evidence_windows <= 1 {
        input.earlier_window_starts.clear();
        return;
    }
    let Some(window_start) = input.window_start else {
        // The round already reaches back to the start of time.
        return;
    };
    input.earlier_window_starts = earlier
        .iter()
        .rev()
        .map(|r| r.input.as_of)
        .filter(|&at| at < window_start)
        .collect();
    let from = judged_from(input);
    // What the committed round judged (its own window, or more under its own policy).
    let Some(judged_by_round) = judged_from(&round.input) else {
        return;
    };
    let mut extra: BTreeMap<i64, Vec<Observation>> = BTreeMap::new();
    let mut slice_start = None;
    for past in earlier {
        let own = own_slice(past, slice_start);
        slice_start = Some(past.input.as_of);
        for bet in &past.input.bets {
            let taken = bet
                .observations
                .iter()
                .filter(|o| own(o.at) && from.is_none_or(|f| o.at > f) && o.at <= judged_by_round);
            extra.entry(bet.id).or_default().extend(taken.cloned());
        }
    }
    for bet in &mut input.bets {
        if let Some(mut all) = extra.remove(&bet.id) {
            all.append(&mut bet.observations);
            bet.observations = all;
        }
    }
}

/// Whether an instant lies in a committed round's own slice of time: after the previous
/// round's as_of (or the round's window start, for the history's first round), up to its own.
fn own_slice(
    round: &HistoryRound,
    previous_as_of: Option<DateTime<Utc>>,
) -> impl Fn(DateTime<Utc>) -> bool {
    let start = previous_as_of.or(round.input.window_start);
    let end = round.input.as_of;
    move |at| at <= end && start.is_none_or(|s| at > s)
}
