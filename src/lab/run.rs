//! One run: one policy over one seed's synthetic portfolio, round after round, through the
//! real engine (`crate::engine::evaluate`). Each round feeds the engine the bets still alive
//! with their reports in the round's window, and chains the next round from its results: the
//! grant becomes the previous grant, the streak the previous streak, a bet stays new until it
//! is first granted money, and a `killed` decision removes it for good. What the run keeps is
//! what the metrics read: every round's grants and the round that killed each bet.

use chrono::{DateTime, Utc};

use super::error::LabError;
use super::scenario::Scenario;
use super::truth::{SyntheticBet, World};
use crate::engine::{BetEvidence, Decision, Direction, Policy, RoundInput, evaluate, judged_start};

/// How many digits the round's reasons print after the point: the lab's budgets are cents.
const MONEY_DECIMALS: u32 = 2;

/// What one run did, bet by bet (bets in index order).
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Each round's budget B.
    pub budget: i64,
    /// Whether each bet truly wins (from the world, not from the run).
    pub truly_winning: Vec<bool>,
    /// `grants[r][i]`: round r + 1's grant to bet i; 0 when the bet took no part in it.
    pub grants: Vec<Vec<i64>>,
    /// The round (1-based) whose decision killed each bet, if one did.
    pub killed_in: Vec<Option<u32>>,
}

/// Where a bet stands between two rounds.
#[derive(Debug, Clone, Copy)]
struct Standing {
    alive: bool,
    is_new: bool,
    prev_grant: i64,
    prev_streak: u32,
}

/// The exclusive start of a round's evidence window, given the as-of instants of the rounds
/// before it (oldest first): the previous round's as-of, as the service does, and no lower
/// bound in the first round.
pub fn window_start(past_as_ofs: &[DateTime<Utc>]) -> Option<DateTime<Utc>> {
    past_as_ofs.last().copied()
}

/// The starts of the earlier windows, newest first, that a policy judging several windows
/// reads: the as-of instants before the window start, as many as the policy can use.
fn earlier_window_starts(policy: &Policy, past_as_ofs: &[DateTime<Utc>]) -> Vec<DateTime<Utc>> {
    let wanted = usize::try_from(policy.evidence_windows.saturating_sub(1)).unwrap_or(0);
    let before = past_as_ofs.len().saturating_sub(1);
    past_as_ofs[..before]
        .iter()
        .rev()
        .take(wanted)
        .copied()
        .collect()
}

/// Runs `policy` over `world` (generated from `scenario`). The policy must have passed
/// `Policy::validate`; an engine refusal names the seed and the round.
pub fn run(scenario: &Scenario, world: &World, policy: &Policy) -> Result<RunRecord, LabError> {
    run_observed(scenario, world, policy, &mut |_| {})
}

/// [`run`], showing `observe` every round's input before the engine evaluates it: the tests
/// read what the engine was fed.
pub fn run_observed(
    scenario: &Scenario,
    world: &World,
    policy: &Policy,
    observe: &mut dyn FnMut(&RoundInput),
) -> Result<RunRecord, LabError> {
    let n = world.bets.len();
    let mut standing = vec![
        Standing {
            alive: true,
            is_new: true,
            prev_grant: 0,
            prev_streak: 0,
        };
        n
    ];
    let mut record = RunRecord {
        budget: scenario.budget,
        truly_winning: world.bets.iter().map(|b| b.truly_winning).collect(),
        grants: Vec::with_capacity(world.as_ofs.len()),
        killed_in: vec![None; n],
    };
    for (past, (k, &as_of)) in (1u32..).zip(&world.as_ofs).enumerate() {
        let window = window_start(&world.as_ofs[..past]);
        let earlier = earlier_window_starts(policy, &world.as_ofs[..past]);
        // The engine says where the judged evidence starts; the bets carry exactly that.
        let judged = judged_start(policy.evidence_windows, window, &earlier);
        let taking_part: Vec<usize> = (0..n)
            .filter(|&i| standing[i].alive && world.bets[i].entry_round <= k)
            .collect();
        let input = RoundInput {
            budget: scenario.budget,
            as_of,
            window_start: window,
            policy: policy.clone(),
            earlier_window_starts: earlier,
            bets: taking_part
                .iter()
                .map(|&i| evidence(scenario, &world.bets[i], standing[i], judged, as_of))
                .collect(),
            pins: Vec::new(),
            money_decimals: MONEY_DECIMALS,
        };
        observe(&input);
        let outcome = evaluate(&input).map_err(|source| LabError::Engine {
            seed: world.seed,
            round: k,
            source,
        })?;
        let mut grants = vec![0; n];
        // The engine answers in ascending bet id, the order the bets went in.
        for (&i, result) in taking_part.iter().zip(&outcome.results) {
            grants[i] = result.grant;
            let s = &mut standing[i];
            s.prev_grant = result.grant;
            s.prev_streak = result.streak;
            s.is_new = s.is_new && result.grant == 0;
            if result.decision == Decision::Killed {
                s.alive = false;
                record.killed_in[i] = Some(k);
            }
        }
        record.grants.push(grants);
    }
    Ok(record)
}

/// A bet as the engine sees it this round: ids are stable (index + 1), and only the reports
/// in (window, as_of] are passed, as the service passes them.
fn evidence(
    scenario: &Scenario,
    bet: &SyntheticBet,
    s: Standing,
    window: Option<DateTime<Utc>>,
    as_of: DateTime<Utc>,
) -> BetEvidence {
    let from = window.map_or(0, |w| bet.reports.partition_point(|r| r.at <= w));
    let to = bet.reports.partition_point(|r| r.at <= as_of);
    BetEvidence {
        id: i64::from(bet.index) + 1,
        direction: Direction::HigherIsBetter,
        baseline: scenario.baseline,
        threshold: scenario.threshold(),
        prev_grant: s.prev_grant,
        prev_streak: s.prev_streak,
        is_new: s.is_new,
        seed_request: None,
        observations: bet.reports.get(from..to).unwrap_or_default().to_vec(),
    }
}
