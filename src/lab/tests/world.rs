//! The synthetic portfolio: the same seed gives the same world bit for bit, seeds differ,
//! every policy is fed the same reports, and more bets leave the earlier ones as they were.

use std::collections::BTreeMap;

use super::{hard, other_policy};
use crate::engine::{Observation, Policy};
use crate::lab::{generate, run_observed, simulate, splitmix64, stream};

#[test]
fn the_same_seed_gives_the_same_figures_bit_for_bit() {
    let policies = [Policy::default(), other_policy()];
    let once = simulate(&hard(), &policies, &[1, 2], 1, &mut |_, _| {}).unwrap();
    let twice = simulate(&hard(), &policies, &[1, 2], 1, &mut |_, _| {}).unwrap();
    assert_eq!(
        serde_json::to_string(&once).unwrap(),
        serde_json::to_string(&twice).unwrap()
    );
    assert_eq!(
        serde_json::to_string(&generate(&hard(), 5)).unwrap(),
        serde_json::to_string(&generate(&hard(), 5)).unwrap()
    );
}

#[test]
fn different_seeds_give_different_worlds_and_figures() {
    let (a, b) = (generate(&hard(), 1), generate(&hard(), 2));
    assert_ne!(a.bets[0].reports, b.bets[0].reports);
    assert_ne!(a.bets[0].true_progress, b.bets[0].true_progress);
    let sim = simulate(&hard(), &[Policy::default()], &[1, 2], 1, &mut |_, _| {}).unwrap();
    let runs = &sim.policies[0].runs;
    assert_ne!(
        serde_json::to_string(&runs[0].metrics).unwrap(),
        serde_json::to_string(&runs[1].metrics).unwrap()
    );
}

/// Every round's observations per bet id, as the engine was fed them.
fn fed(policy: &Policy, seed: u64) -> Vec<BTreeMap<i64, Vec<Observation>>> {
    let scenario = hard();
    let world = generate(&scenario, seed);
    let mut rounds = Vec::new();
    run_observed(&scenario, &world, policy, &mut |input| {
        rounds.push(
            input
                .bets
                .iter()
                .map(|b| (b.id, b.observations.clone()))
                .collect(),
        );
    })
    .unwrap();
    rounds
}

#[test]
fn every_policy_is_fed_the_same_reports_for_a_seed() {
    // K = 1 kills early and often, the other policy late: they keep different bets alive.
    let eager = Policy {
        kill_after_misses: 1,
        ..Policy::default()
    };
    let (a, b) = (fed(&eager, 3), fed(&other_policy(), 3));
    assert_eq!(a.len(), 6);
    assert_eq!(a[0], b[0], "round 1 holds every bet for both");
    let mut compared = 0;
    let mut differ = false;
    for (ra, rb) in a.iter().zip(&b) {
        differ |= ra.len() != rb.len();
        for (id, reports) in ra {
            if let Some(theirs) = rb.get(id) {
                assert_eq!(reports, theirs, "bet {id}");
                compared += 1;
            }
        }
    }
    assert!(differ, "the two policies should keep different bets alive");
    assert!(compared > 60, "{compared}");
    // A killed bet is never fed again.
    for pair in a.windows(2) {
        assert!(pair[1].keys().all(|id| pair[0].contains_key(id)));
    }
}

#[test]
fn more_bets_leave_the_earlier_bets_as_they_were() {
    let thirty = hard();
    let forty = crate::lab::Scenario { bets: 40, ..hard() };
    let (a, b) = (generate(&thirty, 11), generate(&forty, 11));
    assert_eq!(b.bets.len(), 40);
    assert_eq!(a.bets[..], b.bets[..30]);
    assert_ne!(b.bets[30].reports, b.bets[0].reports);
}

#[test]
fn reports_follow_the_schedule_and_the_truth() {
    let scenario = hard();
    let world = generate(&scenario, 4);
    let last = *world.as_ofs.last().unwrap();
    for bet in &world.bets {
        // Monthly over 546 days, every one kept: day 540 +- 5 is the 18th and last.
        assert_eq!(bet.reports.len(), 18);
        assert!(bet.reports.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(
            bet.reports
                .iter()
                .all(|r| r.at <= last && r.value.is_finite())
        );
        assert_eq!(bet.truly_winning, bet.progress_at(546.0) > 1.0);
        assert_eq!(bet.arena, bet.index % 3);
    }
}

#[test]
fn streams_are_fixed_and_apart() {
    use rand::Rng;
    // splitmix64's published first output for state 0 (the state is advanced first).
    assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
    let first = |seed, bet| stream(seed, bet).next_u64();
    assert_eq!(first(1, 0), first(1, 0));
    assert_ne!(first(1, 0), first(1, 1));
    assert_ne!(first(1, 0), first(2, 0));
}
