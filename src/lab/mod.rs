//! The policy lab: synthetic portfolios whose truth is known, run round after round through
//! the real engine, to measure how a policy treats truly winning and truly losing bets, and a
//! search for a better policy. The engine stays free of randomness; the lab owns the only
//! generator (xoshiro256++, seeded per seed and bet), and it is pure too: no I/O, no clock,
//! no database, so a seed gives the same figures on every run. `docs/lab.md` states the
//! formulas; the command line is `horserace lab` (`src/cli/lab.rs`).
//!
//! Modules, one purpose each:
//! - `scenario`: the scenario format, its defaults and ranges, the built-in scenarios;
//! - `rng`: the generator and its samplers; `truth`: one seed's synthetic portfolio;
//! - `run`: one policy over one portfolio through `engine::evaluate`;
//! - `metrics`: a run's figures and the summary over seeds;
//! - `simulate`: many policies over many seeds; `parallel`: threads that change no figure;
//! - `grid` and `recommend`: the search, the Pareto front and the recommended policy;
//! - `error`: why the lab refuses, naming the field at fault.

/// The backtest: the portfolio's own committed history replayed under other policies.
pub mod backtest;
mod error;
mod grid;
mod metrics;
mod parallel;
mod recommend;
mod rng;
mod run;
mod scenario;
mod simulate;
mod truth;

#[cfg(test)]
mod tests;

pub use error::LabError;
pub use grid::{Grid, MAX_GRID_POLICIES};
pub use metrics::{RunMetrics, Stat, Summary, measure, stat, summarise};
pub use parallel::default_threads;
pub use recommend::{
    DefaultPoint, Point, Recommendation, TestFigures, dominates, pareto_front, recommend,
    recommend_with_threads,
};
pub use rng::{splitmix64, stream};
pub use run::{RunRecord, run, run_observed, window_start};
pub use scenario::{
    MAX_BETS, MAX_ROUNDS, Noise, NoiseKind, ReportPlan, Scenario, Spread, builtin, builtin_names,
};
pub use simulate::{
    FORMAT_VERSION, MAX_POLICIES, MAX_SEEDS, PolicyResult, SeedRun, Simulation, simulate,
};
pub use truth::{SyntheticBet, World, generate, instant, true_level};
