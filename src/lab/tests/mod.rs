//! Unit tests of the lab, a file per part: `world` (the generator, common random numbers),
//! `runs` (a run through the engine, the metrics by hand), `scenario` (the format and its
//! refusals), `search` (the grid, the front, the recommendation, threads).

mod runs;
mod scenario;
mod search;
mod world;

use super::{Grid, Scenario, builtin};
use crate::engine::Policy;

/// The built-in hard scenario.
fn hard() -> Scenario {
    builtin("hard").expect("the built-in scenario parses")
}

/// A policy that differs from the default in every knob the grid moves.
fn other_policy() -> Policy {
    Policy {
        confidence: 0.9,
        kill_after_misses: 3,
        selection_pressure: 2.0,
        exploration_share: 0.0,
        ..Policy::default()
    }
}

/// A grid of four policies, small enough for a debug build.
fn small_grid() -> Grid {
    Grid {
        evidence_windows: vec![1],
        confidence: vec![0.7, 0.9],
        kill_after_misses: vec![1, 3],
        selection_pressure: vec![1.0],
        exploration_share: vec![0.1],
    }
}
