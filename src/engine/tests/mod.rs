//! Unit tests of the engine, one per rule, on portfolios small enough to work out by hand.
//! Each test's comments carry the hand calculation its assertions check.

mod allocation;
mod decisions;
mod estimator;
mod overrides;
mod policy;
mod validation;
mod windows;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;

/// The evaluation instant of every test round.
fn as_of() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).unwrap()
}

/// `days` days from `as_of` (negative: before it).
fn day(days: i64) -> DateTime<Utc> {
    as_of() + Duration::days(days)
}

/// A continuing, higher-is-better bet: baseline 0, threshold 100, no reports.
fn bet(id: i64) -> BetEvidence {
    BetEvidence {
        id,
        direction: Direction::HigherIsBetter,
        baseline: 0.0,
        threshold: 100.0,
        prev_grant: 0,
        prev_streak: 0,
        is_new: false,
        seed_request: None,
        observations: Vec::new(),
    }
}

/// Reports of `values` at days -(n-1), ..., -1, 0.
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

/// A continuing bet with previous grant `g` whose three reports all read `level` on three
/// days: an exact fit, se == 0, so P is 1 above the threshold of 100 and 0 below it, and its
/// progress is level / 100.
fn flat(id: i64, g: i64, level: f64) -> BetEvidence {
    BetEvidence {
        prev_grant: g,
        observations: reports(&[level, level, level]),
        ..bet(id)
    }
}

/// A new bet with no reports.
fn new_bet(id: i64) -> BetEvidence {
    BetEvidence {
        is_new: true,
        ..bet(id)
    }
}

fn round(budget: i64, policy: Policy, bets: Vec<BetEvidence>) -> RoundInput {
    RoundInput {
        budget,
        as_of: as_of(),
        window_start: None,
        policy,
        earlier_window_starts: Vec::new(),
        bets,
        pins: Vec::new(),
        money_decimals: 0,
    }
}

/// The default policy with no cap (h = 1) and no exploration share.
fn uncapped() -> Policy {
    Policy {
        max_share: 1.0,
        exploration_share: 0.0,
        ..Policy::default()
    }
}

fn pin(bet_id: i64, grant: Option<i64>, waive_kill: bool, reason: &str) -> Pin {
    Pin {
        bet_id,
        grant,
        waive_kill,
        reason: reason.to_owned(),
    }
}

fn grants(outcome: &RoundOutcome) -> Vec<i64> {
    outcome.results.iter().map(|r| r.grant).collect()
}

fn decisions(outcome: &RoundOutcome) -> Vec<Decision> {
    outcome.results.iter().map(|r| r.decision).collect()
}

fn result(outcome: &RoundOutcome, bet_id: i64) -> &BetResult {
    outcome.results.iter().find(|r| r.bet_id == bet_id).unwrap()
}

fn has_reason(result: &BetResult, text: &str) -> bool {
    result.reasons.iter().any(|r| r.contains(text))
}

/// Evaluates and checks conservation, which every test round must satisfy.
fn run(input: &RoundInput) -> RoundOutcome {
    let outcome = evaluate(input).unwrap();
    assert_eq!(
        grants(&outcome).iter().sum::<i64>() + outcome.reserve,
        input.budget,
        "conservation"
    );
    outcome
}

/// Evaluates a round that must be rejected.
fn rejected(input: &RoundInput) -> EngineError {
    evaluate(input).unwrap_err()
}
