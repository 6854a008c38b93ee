//! Step 6: each bet's one decision and the plain-language reasons a committee member reads.

use super::format::{chance, money_in, percent, value};
use super::judge::Assessment;
use super::policy::Policy;
use super::pools::{MainStatus, Role};
use super::types::{BetEvidence, Decision, Outcome, Pin};

/// Round-wide facts the reasons quote.
#[derive(Debug, Clone, Copy)]
pub(super) struct RoundFacts<'a> {
    pub policy: &'a Policy,
    pub max_grant: i64,
    /// W over all main candidates.
    pub total_weight: f64,
    /// What the main pool could not place and offered to the seeds.
    pub spilled: f64,
    /// Digits after the decimal point when money is quoted (`RoundInput::money_decimals`).
    pub money_decimals: u32,
}

impl RoundFacts<'_> {
    fn money(&self, amount: i64) -> String {
        money_in(amount, self.money_decimals)
    }
}

/// One bet's part in the round: what step 6 reports and explains.
#[derive(Debug, Clone, Copy)]
pub(super) struct BetFacts<'a> {
    pub bet: &'a BetEvidence,
    pub pin: Option<&'a Pin>,
    pub assessment: &'a Assessment,
    pub role: Role,
    pub weight: f64,
    pub target: f64,
    pub grant: i64,
}

/// The first decision of step 6 (`docs/engine.md`) that applies.
pub(super) fn decide(role: Role, grant: i64, prev_grant: i64) -> Decision {
    match role {
        Role::Killed => Decision::Killed,
        Role::Pinned => Decision::Pinned,
        Role::Seed { .. } if grant > 0 => Decision::Seed,
        _ if grant == 0 => Decision::Cut,
        _ if grant > prev_grant => Decision::Increase,
        _ if grant < prev_grant => Decision::Decrease,
        _ => Decision::Hold,
    }
}

pub(super) fn explain(
    facts: &BetFacts<'_>,
    round: &RoundFacts<'_>,
    decision: Decision,
) -> Vec<String> {
    let BetFacts {
        bet,
        pin,
        assessment: a,
        ..
    } = *facts;
    let policy = round.policy;
    let mut reasons = vec![evidence(bet, a, policy)];
    if bet.is_new {
        reasons.push("new bet: streak starts next round".to_owned());
    }
    let pin_reason = pin.map_or("", |p| p.reason.trim());
    if facts.role == Role::Killed {
        reasons.push(format!("killed after {}", missed_rounds(a.streak)));
    } else if a.kill_waived() {
        if pin.is_some_and(|p| p.waive_kill) {
            reasons.push(format!("kill waived by the committee: {pin_reason}"));
        } else {
            reasons.push(format!(
                "kept alive by its pinned grant despite {}",
                missed_rounds(a.streak)
            ));
        }
    } else if pin.is_some_and(|p| p.waive_kill) {
        reasons.push(format!(
            "kill waiver not needed: miss streak {} of {} ({pin_reason})",
            a.streak, policy.kill_after_misses
        ));
    }
    match facts.role {
        Role::Killed => {}
        Role::Pinned => reasons.push(format!("pinned by the committee: {pin_reason}")),
        Role::Seed { reseed, cap } => seed(&mut reasons, facts, round, reseed, cap),
        Role::Main { status } => main(&mut reasons, facts, round, status),
        Role::Unfunded => reasons.push(
            "not funded: it had no grant last round, and only a bet that beats its threshold is re-seeded"
                .to_owned(),
        ),
    }
    if facts.grant == 0 && facts.target > 0.0 && facts.role != Role::Pinned {
        reasons.push(format!(
            "rounded down to 0 (target {})",
            value(facts.target)
        ));
    }
    reasons.push(summary(round, decision, facts.grant, bet.prev_grant));
    reasons
}

fn evidence(bet: &BetEvidence, a: &Assessment, policy: &Policy) -> String {
    let streak = |text: String| {
        if bet.is_new {
            text
        } else {
            format!("{text} (miss {} of {})", a.streak, policy.kill_after_misses)
        }
    };
    let Some(e) = a.estimate else {
        let reports = if a.n == 1 { "report" } else { "reports" };
        return streak(format!(
            "insufficient data: {} {reports} in the window, {} needed",
            a.n, policy.min_reports
        ));
    };
    let numbers = format!(
        "level {} vs {}, {}",
        value(e.level),
        value(bet.threshold),
        chance(e.p_beat)
    );
    match a.outcome {
        Outcome::Beat => format!("beat its threshold: {numbers}"),
        Outcome::Miss => streak(format!("missed its threshold: {numbers}")),
        // Insufficient data has no estimate and returned above.
        Outcome::Uncertain | Outcome::InsufficientData => {
            let text = format!(
                "uncertain: {numbers}, between {} and {}",
                value(1.0 - policy.confidence),
                value(policy.confidence)
            );
            if bet.is_new || a.streak == 0 {
                text
            } else {
                format!(
                    "{text} (streak stays at {} of {})",
                    a.streak, policy.kill_after_misses
                )
            }
        }
    }
}

fn seed(
    reasons: &mut Vec<String>,
    facts: &BetFacts<'_>,
    round: &RoundFacts<'_>,
    reseed: bool,
    cap: f64,
) {
    if facts.target <= 0.0 {
        let why = if facts.bet.seed_request == Some(0) {
            "its seed request is 0".to_owned()
        } else if round.max_grant == 0 {
            "the maximum share rounds to 0".to_owned()
        } else {
            "the exploration pool is empty and the main pool placed everything".to_owned()
        };
        reasons.push(format!("no seed money: {why}"));
        return;
    }
    let source = if round.spilled > 0.0 {
        "the exploration pool and what the main pool could not place"
    } else {
        "the exploration pool"
    };
    reasons.push(if reseed {
        format!("re-seeded from {source}: it beat its threshold with no grant last round")
    } else {
        format!("seeded from {source}")
    });
    if facts.target >= cap {
        reasons.push(match facts.bet.seed_request {
            Some(request) if request < round.max_grant => {
                format!("seed capped at its request of {}", round.money(request))
            }
            _ => capped(round),
        });
    }
}

fn main(
    reasons: &mut Vec<String>,
    facts: &BetFacts<'_>,
    round: &RoundFacts<'_>,
    status: MainStatus,
) {
    let a = facts.assessment;
    match (a.progress, a.fitness > 0.0) {
        (Some(q), true) => {
            let counted = if q > round.policy.progress_cap {
                format!(" (counted as {})", value(round.policy.progress_cap))
            } else {
                String::new()
            };
            reasons.push(format!(
                "progress {}{counted}, fitness {}: weight {} of {} in the main pool ({})",
                value(q),
                value(a.fitness),
                value(facts.weight),
                value(round.total_weight),
                percent(facts.weight / round.total_weight)
            ));
        }
        (Some(q), false) => reasons.push(format!(
            "no share of the main pool: progress {} is at or below its baseline",
            value(q)
        )),
        (None, _) => reasons.push("no share of the main pool without enough data".to_owned()),
    }
    match status {
        MainStatus::Free => {}
        MainStatus::Capped => reasons.push(capped(round)),
        MainStatus::Dropped => reasons.push(format!(
            "dropped: below the minimum grant of {}",
            round.money(round.policy.min_grant)
        )),
    }
}

fn capped(round: &RoundFacts<'_>) -> String {
    format!(
        "capped at the {} maximum share ({})",
        percent(round.policy.max_share),
        round.money(round.max_grant)
    )
}

fn summary(round: &RoundFacts<'_>, decision: Decision, grant: i64, prev: i64) -> String {
    let (grant, prev_text) = (round.money(grant), round.money(prev));
    match decision {
        Decision::Killed => {
            format!("gets nothing and leaves the portfolio (previous grant {prev_text})")
        }
        Decision::Pinned => format!("grant fixed at {grant} (previous {prev_text})"),
        Decision::Seed => format!("seed grant {grant}"),
        Decision::Cut if prev > 0 => format!("no grant this round, down from {prev_text}"),
        Decision::Cut => "no grant this round".to_owned(),
        Decision::Increase => format!("grant {grant}, up from {prev_text}"),
        Decision::Decrease => format!("grant {grant}, down from {prev_text}"),
        Decision::Hold => format!("grant unchanged at {grant}"),
    }
}

/// "1 missed round", "2 missed rounds".
fn missed_rounds(streak: u32) -> String {
    if streak == 1 {
        "1 missed round".to_owned()
    } else {
        format!("{streak} missed rounds")
    }
}
