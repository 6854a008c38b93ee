//! Unit tests of races (`docs/engine.md`, "Races: standings, P(best) and expected loss"):
//! hand-checkable cases (`hand.rs`), the fit at the finish (`fit.rs`), every refusal
//! (`validation.rs`), properties over random races (`properties.rs`) and agreement with an
//! independent Monte Carlo estimate (`monte_carlo.rs`).

mod fit;
mod hand;
mod monte_carlo;
mod properties;
mod validation;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::standing::Dist;
use super::verdict::{Comparison, compare};
use super::*;
use crate::engine::{Direction, Observation};

/// The finish of every test race.
fn finish() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).unwrap()
}

/// `days` days from the finish (negative: before it).
fn day(days: i64) -> DateTime<Utc> {
    finish() + Duration::days(days)
}

/// A higher-is-better racer, baseline 0, threshold 100, no reports.
fn racer(bet_id: i64) -> RacerEvidence {
    RacerEvidence {
        bet_id,
        direction: Direction::HigherIsBetter,
        baseline: 0.0,
        threshold: 100.0,
        observations: Vec::new(),
    }
}

/// Reports of `values` at days -(n-1), ..., -1, 0 from the finish.
fn reports(values: &[f64]) -> Vec<Observation> {
    let last = i64::try_from(values.len()).unwrap() - 1;
    (0..)
        .zip(values)
        .map(|(i, &value)| Observation {
            at: day(i - last),
            value,
        })
        .collect()
}

/// A racer with `values` reported on consecutive days up to the finish.
fn with_reports(bet_id: i64, values: &[f64]) -> RacerEvidence {
    RacerEvidence {
        observations: reports(values),
        ..racer(bet_id)
    }
}

/// A higher-is-better metric race over the 30 days before the finish: m = 3, c = 0.8.
fn race(racers: Vec<RacerEvidence>) -> RaceInput {
    RaceInput {
        start: day(-30),
        finish: finish(),
        measure: RaceMeasure::Metric {
            direction: Direction::HigherIsBetter,
        },
        min_reports: 3,
        confidence: 0.8,
        racers,
    }
}

/// Runs a race that must be accepted and checks what every race satisfies: one standing per
/// racer in ascending bet id, the compared racers' raw P(best) summing to 1, EL >= 0.
fn run(input: &RaceInput) -> RaceStandings {
    let out = standings(input).unwrap();
    assert_eq!(out.racers.len(), input.racers.len());
    assert!(out.racers.is_sorted_by_key(|r| r.bet_id));
    if out.compared >= 2 {
        let sum: f64 = out.racers.iter().filter_map(|r| r.p_best).sum();
        assert!((sum - 1.0).abs() <= 1e-6, "P(best) sums to {sum}");
    }
    for r in &out.racers {
        if let Some(el) = r.expected_loss {
            assert!(el >= 0.0 && el.is_finite(), "expected loss {el}");
        }
    }
    out
}

/// Runs a race that must be rejected.
fn rejected(input: &RaceInput) -> RaceError {
    standings(input).unwrap_err()
}

fn standing(out: &RaceStandings, bet_id: i64) -> &RacerStanding {
    out.racers.iter().find(|r| r.bet_id == bet_id).unwrap()
}

/// A spread racer's distribution (oriented, higher is better).
fn t(m: f64, s: f64, nu: u32) -> Dist {
    Dist { m, s, nu }
}

/// A point mass at m.
fn mass(m: f64) -> Dist {
    Dist { m, s: 0.0, nu: 3 }
}

/// Compares distributions directly, and checks that the raw P(best) sum to 1.
fn compared(dists: &[Dist]) -> Comparison {
    let c = compare(dists).unwrap();
    let sum: f64 = c.p_best.iter().sum();
    assert!((sum - 1.0).abs() <= 1e-6, "P(best) sums to {sum}");
    c
}
