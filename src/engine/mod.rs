//! The funding-round engine: `evaluate` turns a round's evidence into grants and reasons,
//! exactly as `docs/engine.md` (v1) says. It is pure: no I/O, no clock, no randomness, and
//! no hash-ordered iteration, so the same input gives bit-for-bit the same outcome.
//!
//! Modules, each owning one part of the contract:
//! - `types`: the inputs and outputs (serialisable); `policy`: the policy and its ranges;
//!   `error`: why a round is rejected; `validate`: the input checks and the canonical order;
//! - `estimate`: step 1 (level, standard error, P); `judge`: steps 2-3 (outcome, streak,
//!   kill, progress, fitness); `pools`: step 4; `rounding`: step 5; `reasons`: step 6;
//! - `money`: whole-to-real conversions; `format`: numbers as people read them;
//! - `windows`: which reports a round judges (v1: its window; a policy with
//!   `evidence_windows` k: its last k windows, `docs/engine.md`, "Evidence over several windows");
//! - `race`: races (`standings`): each racer's forecast at a finish instant, P(best) and the
//!   expected loss of declaring it the winner (`docs/engine.md`, "Races: standings, P(best)
//!   and expected loss"); it reuses step 1's fit from `estimate`.
//!
//! # Interpretations
//!
//! Where the rules leave a choice open, the engine does the following (`docs/engine.md`,
//! "Interpretations", states the same in prose).
//!
//! - **Input order.** Bets are processed in ascending id whatever their input order, and each
//!   bet's observations are summed in a canonical order (by time, then value), so shuffling
//!   either changes nothing, not even the last bit of a float.
//! - **Window.** Observations outside (window_start, as_of] are ignored by the engine (the
//!   caller usually filters them already). A non-finite value is rejected wherever it is,
//!   inside the window or not. A window that starts at or after `as_of` is rejected.
//! - **Time.** x_k = (t_k - as_of) in seconds at microsecond precision, / 86,400. Observations
//!   "share one timestamp" when their x_k are all equal, i.e. they fall on the same
//!   microsecond; sub-microsecond differences are not seen.
//! - **Continuing** means not new (`is_new == false`), pinned or not. New bets never get a
//!   streak (it stays 0), so they are never killed in their first round.
//! - **Alive.** A bet whose streak reaches K is killed unless it has a pin that waives the
//!   kill or fixes its grant (a pinned grant keeps a bet alive, so a pinned bet is never
//!   killed). `kill_waived` is true exactly when such a pin saved the bet. The streak is shown
//!   as computed, even when the kill is waived: the next round counts on from it. Rounds with
//!   insufficient data count as missed rounds (step 2), in the streak and in the reasons.
//! - **Pinned** means "has a pinned grant". A pin that only waives the kill leaves the bet in
//!   the pools like any other bet. A pin must do something (fix a grant or waive a kill) and
//!   carry a non-blank reason, or the round is rejected.
//! - **Fitness and weight.** Progress q is shown for every bet with an estimate. Fitness f is
//!   computed for continuing, alive bets (pinned ones included, for display) and is 0 for
//!   the others. Weight w = g * f is shown only for main-pool candidates, since only they
//!   share the main pool; it is 0 for everyone else. Targets are computed as M * (w / W):
//!   the share first, so that huge weights cannot overflow the product.
//! - **Seed candidates** are alive bets without a pinned grant that are new, or continuing
//!   with g == 0 and outcome `beat` (re-seeding). Continuing bets with g == 0 that did not
//!   beat are not funded at all (decision `cut`).
//! - **Unplaced seed money.** When the seed caps cannot take all of E, the rest flows to the
//!   main pool, because M = B' - (sum of the seed targets).
//! - **Cap and minimum.** In step 4.3, every target above the cap is capped in the same pass;
//!   this reaches the same fixed point as capping one at a time. In step 4.4 every target
//!   strictly between 0 and `min_grant` is dropped at once, capped ones included (when the cap
//!   is below the minimum, no main-pool bet can be funded); a dropped bet stays dropped.
//! - **Spill.** What the main pool cannot place (no candidates, W == 0, or everyone capped or
//!   dropped) is offered to the seed candidates: their targets become the water-filled split
//!   of what they already held from E plus that leftover, under the same caps as step 4.1.
//!   What the seed caps cannot take either goes to the reserve; it is not offered back to the
//!   main pool.
//! - **A seed candidate that gets 0** (its request is 0, the pools are empty, or rounding)
//!   takes the decision `cut`, since `seed` needs a grant > 0.
//! - **Rounding.** Units are handed out one each by largest fraction, ties to the lower bet
//!   id, the reserve after every bet of equal fraction. Mathematically that is enough; if
//!   float error in the real targets leaves extra units they go to the reserve (never above a
//!   bet's cap), and if it leaves too few, units come back from the reserve first and then
//!   from the smallest fractions. Either way sum(grants) + reserve == B exactly.
//! - **Errors.** Checks run in a fixed order (policy, money decimals, budget, window, bets by
//!   ascending id, pins by ascending bet id) and the first failure is returned, so a shuffled
//!   input gives the same error. Nothing is computed for a rejected round.
//! - **Outputs beyond the rules.** `RoundOutcome` also shows B' (`available`), floor(h * B)
//!   (`max_grant`) and the main pool's unplaced money (`spilled`), which the reasons quote.
//! - **Money in reasons.** Amounts are computed and returned in whole minor units. The reasons
//!   print them with `RoundInput::money_decimals` digits after the point (the service passes
//!   the round currency's, so a USD round reads "grant 5,207.12"); 0, the default, prints
//!   minor units. Weights and progress are not money and keep their own figures.
//! - **Limits.** The budget, previous grants and pinned grants must be at most
//!   [`MAX_AMOUNT`] (10^15 minor units), below 2^53, so every amount is exact as an `f64`.
//!   A new bet with a previous grant is contradictory input and is rejected. The progress
//!   cap must be finite. Inputs whose arithmetic overflows a float (levels or fitness beyond
//!   ~10^308) are rejected rather than turned into NaN.

mod error;
mod estimate;
mod format;
mod judge;
mod money;
mod policy;
mod pools;
mod race;
mod reasons;
mod rounding;
mod types;
mod validate;
mod windows;

#[cfg(test)]
mod tests;

pub use error::EngineError;
pub use format::group_digits;
pub use money::MAX_AMOUNT;
pub use policy::{MAX_EVIDENCE_WINDOWS, Policy};
pub use race::{
    RaceCall, RaceError, RaceInput, RaceMeasure, RaceStandings, RacerEvidence, RacerFit,
    RacerStanding, standings,
};
pub use types::{
    BetEvidence, BetResult, Decision, Direction, Observation, Outcome, Pin, RoundInput,
    RoundOutcome,
};
pub use windows::{judged_from, judged_start};

use estimate::Window;
use money::real;
use pools::Role;
use reasons::{BetFacts, RoundFacts};

/// Evaluates one funding round (`docs/engine.md`, steps 1-6). Rejects the whole round, computing
/// nothing, when any input is out of range.
pub fn evaluate(input: &RoundInput) -> Result<RoundOutcome, EngineError> {
    let checked = validate::check(input)?;
    let policy = &input.policy;
    let window = Window {
        start: windows::judged_from(input),
        as_of: input.as_of,
    };
    let max_grant = money::floor(policy.max_share * real(input.budget)).clamp(0, input.budget);

    // Steps 1-3, one bet at a time in ascending id; one scratch buffer serves every bet.
    let mut points = Vec::new();
    let mut assessments = Vec::with_capacity(checked.bets.len());
    for bet in &checked.bets {
        let (n, est) = estimate::estimate(bet, window, policy.min_reports, &mut points)?;
        let pin = checked.pins.get(&bet.id).copied();
        assessments.push(judge::assess(bet, n, est, pin, policy)?);
    }

    // Step 4: each bet's pool, then the pools.
    let mut bets = pool_roles(&checked, &assessments, max_grant);
    let seed_caps: Vec<f64> = bets
        .iter()
        .filter_map(|f| match f.role {
            Role::Seed { cap, .. } => Some(cap),
            _ => None,
        })
        .collect();
    let weights: Vec<f64> = bets
        .iter()
        .filter(|f| matches!(f.role, Role::Main { .. }))
        .map(|f| f.weight)
        .collect();
    let total_weight: f64 = weights.iter().sum();
    if !total_weight.is_finite() {
        return Err(EngineError::WeightOverflow { bet_id: None });
    }
    let pools = pools::allocate(checked.available, max_grant, policy, &seed_caps, &weights);
    // The pools answer in the order the candidates were listed: hand the targets back.
    let mut seeds = pools.seed_targets.iter();
    let mut mains = pools.main_targets.iter().zip(&pools.main_status);
    for f in &mut bets {
        match &mut f.role {
            Role::Seed { .. } => f.target = seeds.next().copied().unwrap_or_default(),
            Role::Main { status } => {
                if let Some((&target, &s)) = mains.next() {
                    f.target = target;
                    *status = s;
                }
            }
            _ => {}
        }
    }

    // Step 5, for the unpinned bets (pinned grants are already whole).
    let unpinned: Vec<f64> = bets
        .iter()
        .map(|f| {
            if f.role == Role::Pinned {
                0.0
            } else {
                f.target
            }
        })
        .collect();
    let rounded = rounding::whole_units(checked.available, max_grant, &unpinned);
    for (f, &grant) in bets.iter_mut().zip(&rounded.grants) {
        if f.role != Role::Pinned {
            f.grant = grant;
        }
    }

    // Step 6.
    let round = RoundFacts {
        policy,
        max_grant,
        total_weight,
        spilled: pools.spilled,
        money_decimals: input.money_decimals,
    };
    Ok(RoundOutcome {
        budget: input.budget,
        pinned_total: checked.pinned_total,
        available: checked.available,
        max_grant,
        exploration_pool: pools.exploration,
        main_pool: pools.main_pool,
        spilled: pools.spilled,
        reserve: rounded.reserve,
        results: bets.iter().map(|f| result(f, &round)).collect(),
    })
}

/// Each bet's pool (step 4) and what it starts from: a pinned bet's target and grant are its
/// pinned grant; a main-pool bet weighs its previous grant by its fitness.
fn pool_roles<'a>(
    checked: &'a validate::Checked<'a>,
    assessments: &'a [judge::Assessment],
    max_grant: i64,
) -> Vec<BetFacts<'a>> {
    checked
        .bets
        .iter()
        .zip(assessments)
        .map(|(&bet, assessment)| {
            let pin = checked.pins.get(&bet.id).copied();
            let pinned = pin.and_then(|p| p.grant);
            let role = pools::role(bet, assessment, pinned.is_some(), max_grant);
            let weight = match role {
                Role::Main { .. } => real(bet.prev_grant) * assessment.fitness,
                _ => 0.0,
            };
            BetFacts {
                bet,
                pin,
                assessment,
                role,
                weight,
                target: pinned.map_or(0.0, real),
                grant: pinned.unwrap_or(0),
            }
        })
        .collect()
}

fn result(facts: &BetFacts<'_>, round: &RoundFacts<'_>) -> BetResult {
    let (bet, a) = (facts.bet, facts.assessment);
    let decision = reasons::decide(facts.role, facts.grant, bet.prev_grant);
    BetResult {
        bet_id: bet.id,
        n: a.n,
        level: a.estimate.map(|e| e.level),
        slope: a.estimate.map(|e| e.slope),
        se: a.estimate.map(|e| e.se),
        nu: a.estimate.map(|e| e.nu),
        threshold: bet.threshold,
        p_beat: a.estimate.map(|e| e.p_beat),
        outcome: a.outcome,
        streak: a.streak,
        progress: a.progress,
        fitness: a.fitness,
        weight: facts.weight,
        prev_grant: bet.prev_grant,
        target: facts.target,
        grant: facts.grant,
        pinned: facts.role == Role::Pinned,
        kill_waived: a.kill_waived(),
        decision,
        reasons: reasons::explain(facts, round, decision),
    }
}
