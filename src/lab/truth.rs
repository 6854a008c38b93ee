//! The synthetic portfolio of one seed: every bet's truth (its true progress at the start and
//! how it drifts), whether it truly wins, and every report it will ever make. It is generated
//! once per seed, before and apart from any policy, so every policy is judged on exactly the
//! same world (common random numbers); a policy that kills a bet simply stops reading its
//! reports. `docs/lab.md` ("Truth and reports") gives every formula.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::rng::{Stream, standard_normal, stream, unit};
use super::scenario::{NoiseKind, Scenario};
use crate::engine::Observation;

/// Days in a year, for the drift of true progress.
pub const DAYS_PER_YEAR: f64 = 365.25;
/// Microseconds in a day: instants are kept at the engine's precision.
const MICROS_PER_DAY: f64 = 86_400_000_000.0;
/// Day 0 of every synthetic portfolio, 2025-01-01T00:00:00Z. Only offsets from it matter to
/// the engine; a fixed instant keeps the reports' instants the same from run to run.
const START_DAYS_AFTER_EPOCH: i64 = 20_089;

/// One bet of a synthetic portfolio and its whole future.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyntheticBet {
    /// 0-based; the engine knows the bet as `index + 1`.
    pub index: u32,
    /// index % arenas. The round does not look at arenas; they are kept for rules that will.
    pub arena: u32,
    /// The round (1-based) in which the bet first takes part.
    pub entry_round: u32,
    /// The day its truth and its reports start: 0, or the as-of of the round before its entry.
    pub start_day: f64,
    /// q0: its true progress at `start_day`.
    pub true_progress: f64,
    /// r: its true progress's drift per 365.25 days.
    pub progress_per_year: f64,
    /// Its true level at the last round's as-of beats the threshold.
    pub truly_winning: bool,
    /// Every report it makes up to the last round's as-of, in time order.
    pub reports: Vec<Observation>,
}

/// One seed's synthetic portfolio.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct World {
    pub seed: u64,
    /// The as-of instant of rounds 1..=R, in order.
    pub as_ofs: Vec<DateTime<Utc>>,
    pub bets: Vec<SyntheticBet>,
}

impl SyntheticBet {
    /// q(t): true progress at `day` (days since the portfolio's start).
    pub fn progress_at(&self, day: f64) -> f64 {
        self.true_progress + self.progress_per_year * (day - self.start_day) / DAYS_PER_YEAR
    }
}

/// The true level b + (T - b) * q of a bet whose true progress is `progress`.
pub fn true_level(scenario: &Scenario, progress: f64) -> f64 {
    scenario.baseline + (scenario.threshold() - scenario.baseline) * progress
}

/// The instant `day` days after the portfolio's start, to the microsecond.
pub fn instant(day: f64) -> DateTime<Utc> {
    start() + TimeDelta::microseconds(micros(day))
}

/// Generates the synthetic portfolio of one seed. The scenario must have passed `validate`.
pub fn generate(scenario: &Scenario, seed: u64) -> World {
    let as_ofs = (1..=scenario.rounds)
        .map(|k| instant(scenario.as_of_day(k)))
        .collect();
    let bets = (0..scenario.total_bets())
        .map(|index| generate_bet(scenario, seed, index))
        .collect();
    World { seed, as_ofs, bets }
}

/// One bet, from its own stream: q0, then r, then three draws per scheduled report (its
/// offset, whether it is kept, its noise), drawn even for a report that is dropped so that
/// the keeping probability never shifts the other reports' numbers.
fn generate_bet(scenario: &Scenario, seed: u64, index: u32) -> SyntheticBet {
    let mut rng = stream(seed, u64::from(index));
    let true_progress = draw(
        &mut rng,
        scenario.true_progress.mean,
        scenario.true_progress.sd,
    );
    let progress_per_year = draw(
        &mut rng,
        scenario.progress_per_year.mean,
        scenario.progress_per_year.sd,
    );
    let entry_round = scenario.entry_round(index);
    let mut bet = SyntheticBet {
        index,
        arena: index % scenario.arenas,
        entry_round,
        start_day: scenario.as_of_day(entry_round - 1),
        true_progress,
        progress_per_year,
        truly_winning: false,
        reports: Vec::new(),
    };
    let end = scenario.as_of_day(scenario.rounds);
    bet.truly_winning = bet.progress_at(end) > 1.0;
    let plan = scenario.reports;
    for j in 1u32.. {
        let slot = bet.start_day + f64::from(j) * plan.interval_days;
        if slot - plan.jitter_days > end {
            break;
        }
        let offset = plan.jitter_days * (2.0 * unit(&mut rng) - 1.0);
        let kept = unit(&mut rng) < plan.probability;
        let z = standard_normal(&mut rng);
        let day = slot + offset;
        if !kept || day > end {
            continue;
        }
        // The truth is read at the instant the engine will see, not the unrounded day.
        let at = instant(day);
        let level = true_level(scenario, bet.progress_at(day_of(at)));
        let value = match scenario.noise.kind {
            NoiseKind::Multiplicative => level * (scenario.noise.sd * z).exp(),
            NoiseKind::Additive => level + scenario.noise.sd * z,
        };
        bet.reports.push(Observation { at, value });
    }
    // Jitter can swap two neighbouring reports; the engine does not mind, but the runs slice
    // each round's window out of a sorted list.
    bet.reports.sort_by_key(|r| r.at);
    bet
}

fn draw(rng: &mut Stream, mean: f64, sd: f64) -> f64 {
    mean + sd * standard_normal(rng)
}

fn start() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::days(START_DAYS_AFTER_EPOCH)
}

/// Days since the portfolio's start of an instant made by [`instant`].
fn day_of(at: DateTime<Utc>) -> f64 {
    let micros = (at - start()).num_microseconds().unwrap_or(0);
    micros_real(micros) / MICROS_PER_DAY
}

/// Whole microseconds of `day` days, rounded to the nearest. Only days from the start to the
/// last round's as-of are turned into instants, and the scenario's checks keep that below 40
/// rounds of five years, about 6.3e15 microseconds: inside i64, and below 2^53.
#[allow(
    clippy::cast_possible_truncation,
    reason = "bounded by the scenario's checks, as the comment says"
)]
fn micros(day: f64) -> i64 {
    (day * MICROS_PER_DAY).round() as i64
}

/// The same microseconds as a float: below 2^53 for the same reason, so exact.
#[allow(
    clippy::cast_precision_loss,
    reason = "bounded by the scenario's checks, below 2^53"
)]
fn micros_real(micros: i64) -> f64 {
    micros as f64
}
