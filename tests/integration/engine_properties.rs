//! Property tests of the funding-round engine (`docs/engine.md`, "Properties the tests hold")
//! over random portfolios of 1 to 200 bets.
//!
//! proptest draws the round's knobs (policy, budget, size, pin mode, a seed); the bets and
//! their reports are then built from the seed by a small deterministic generator, one stream
//! per bet, so that shrinking the number of bets keeps the first bets as they were. Cheap to
//! build, so every property runs thousands of cases.

use chrono::{DateTime, Duration, TimeZone, Utc};
use horserace::engine::*;
use proptest::prelude::*;

use crate::harness::{Rng, exact_f64, whole_i64};

fn as_of() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).unwrap()
}

/// The knobs proptest draws; `build` turns them into a round.
#[derive(Debug, Clone)]
struct Spec {
    seed: u64,
    bets: usize,
    budget: i64,
    policy: Policy,
    /// 0: no pins; 1: pinned grants; 2: kill waivers; 3: both.
    pins: u8,
    windowed: bool,
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        0.51f64..0.99,
        3u32..=5,
        prop_oneof![Just(0.0), Just(1.0), 0.0f64..=10.0],
        0.1f64..5.0,
        1u32..=4,
        prop_oneof![Just(0.0), Just(1.0), 0.0f64..=1.0],
        prop_oneof![Just(1.0), 0.01f64..=1.0],
        prop_oneof![3 => Just(0i64), 1 => 0i64..50_000],
        prop_oneof![3 => Just(1u32), 1 => 2u32..=4],
    )
        .prop_map(|(c, m, beta, q_max, k, e, h, min_grant, windows)| Policy {
            confidence: c,
            min_reports: m,
            selection_pressure: beta,
            progress_cap: q_max,
            kill_after_misses: k,
            exploration_share: e,
            max_share: h,
            min_grant,
            evidence_windows: windows,
        })
}

fn budget() -> impl Strategy<Value = i64> {
    prop_oneof![
        2 => 0i64..=1_000,
        5 => 1_000i64..=1_000_000_000,
        1 => Just(MAX_AMOUNT),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        any::<u64>(),
        1usize..=200,
        budget(),
        policy(),
        0u8..4,
        any::<bool>(),
    )
        .prop_map(|(seed, bets, budget, policy, pins, windowed)| Spec {
            seed,
            bets,
            budget,
            policy,
            pins: if seed % 2 == 0 { 0 } else { pins },
            windowed,
        })
}

/// A bet's reports: sometimes too few, sometimes all at one instant, sometimes on an exact
/// line, otherwise noisy; a few outside the window.
fn reports(rng: &mut Rng, bet: &BetEvidence, min_reports: u32) -> Vec<Observation> {
    let d = bet.direction.sign();
    let gap = (bet.threshold - bet.baseline).abs();
    let progress = rng.between(-1.0, 4.0);
    let slope = rng.between(-gap, gap) / 30.0;
    let mode = rng.range(0, 3);
    let (count, noise) = match mode {
        0 => (rng.range(0, i64::from(min_reports) - 1), 0.0),
        1 | 2 => (rng.range(3, 8), 0.0),
        _ => (rng.range(3, 25), rng.between(0.01, 1.0) * gap),
    };
    let instant = rng.between(-40.0, 0.0);
    (0..count)
        .map(|_| {
            let x = match mode {
                1 => instant,
                _ if rng.chance(0.05) => rng.between(-90.0, 5.0),
                // Some in the earlier windows a policy judging several windows reads.
                _ if rng.chance(0.10) => rng.between(-150.0, -45.0),
                _ => rng.between(-40.0, 0.0),
            };
            let x = (x * 86_400.0).round() / 86_400.0;
            let value =
                bet.baseline + d * progress * gap + slope * x + noise * rng.between(-1.0, 1.0);
            Observation {
                at: as_of() + Duration::seconds(whole_i64((x * 86_400.0).round())),
                value,
            }
        })
        .collect()
}

fn build(spec: &Spec) -> RoundInput {
    let mut bets = Vec::with_capacity(spec.bets);
    for i in 0..spec.bets {
        let mut rng = Rng::stream(spec.seed, i as u64);
        let direction = if rng.chance(0.5) {
            Direction::HigherIsBetter
        } else {
            Direction::LowerIsBetter
        };
        let baseline = rng.between(-1_000.0, 1_000.0);
        let gap = rng.between(1.0, 500.0);
        let is_new = rng.chance(0.15);
        let prev_grant = if is_new || rng.chance(0.25) {
            0
        } else {
            rng.range(1, (spec.budget / 5).clamp(1, 1_000_000_000))
        };
        let mut bet = BetEvidence {
            // Distinct (i < 10,007, 7,919 is invertible mod the prime 10,007), scrambled,
            // some negative.
            id: (i64::try_from(i).unwrap() * 7_919) % 10_007 - 5_000,
            direction,
            baseline,
            threshold: baseline + direction.sign() * gap,
            prev_grant,
            prev_streak: u32::try_from(rng.range(0, i64::from(spec.policy.kill_after_misses) + 1))
                .unwrap(),
            is_new,
            seed_request: rng.chance(0.3).then(|| rng.range(0, spec.budget / 4)),
            observations: Vec::new(),
        };
        bet.observations = reports(&mut rng, &bet, spec.policy.min_reports);
        bets.push(bet);
    }
    let mut rng = Rng::stream(spec.seed, u64::MAX);
    let mut pins = Vec::new();
    let mut pinned = 0;
    for bet in &bets {
        if spec.pins == 0 || !rng.chance(0.08) {
            continue;
        }
        let grant = (spec.pins & 1 == 1)
            .then(|| rng.range(0, spec.budget / 10))
            .filter(|g| pinned + g <= spec.budget);
        pinned += grant.unwrap_or(0);
        let waive_kill = spec.pins & 2 == 2;
        if grant.is_some() || waive_kill {
            pins.push(Pin {
                bet_id: bet.id,
                grant,
                waive_kill,
                reason: "committee decision".to_owned(),
            });
        }
    }
    RoundInput {
        budget: spec.budget,
        as_of: as_of(),
        window_start: spec.windowed.then(|| as_of() - Duration::days(45)),
        policy: spec.policy.clone(),
        // The earlier rounds' as_of, in no particular order (the engine takes them newest
        // first): with k = 4 the judged evidence reaches back to the start of time.
        earlier_window_starts: if spec.windowed {
            vec![as_of() - Duration::days(135), as_of() - Duration::days(90)]
        } else {
            Vec::new()
        },
        bets,
        pins,
        money_decimals: 2,
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 1_500,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn cap(input: &RoundInput) -> i64 {
    whole_i64((input.policy.max_share * exact_f64(input.budget)).floor())
}

fn pinned_grant(input: &RoundInput, bet_id: i64) -> Option<i64> {
    input
        .pins
        .iter()
        .find(|p| p.bet_id == bet_id)
        .and_then(|p| p.grant)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn conservation_grants_plus_reserve_equal_the_budget(spec in spec()) {
        let input = build(&spec);
        let out = evaluate(&input).unwrap();
        let granted: i64 = out.results.iter().map(|r| r.grant).sum();
        prop_assert_eq!(granted + out.reserve, input.budget);
        prop_assert!(out.reserve >= 0);
        prop_assert_eq!(out.results.len(), input.bets.len());
    }

    #[test]
    fn grants_are_never_negative_capped_unless_pinned_and_zero_when_killed(spec in spec()) {
        let input = build(&spec);
        let out = evaluate(&input).unwrap();
        let cap = cap(&input);
        for r in &out.results {
            prop_assert!(r.grant >= 0, "bet {} grant {}", r.bet_id, r.grant);
            match pinned_grant(&input, r.bet_id) {
                Some(g) => prop_assert_eq!(r.grant, g),
                None => prop_assert!(r.grant <= cap, "bet {} grant {} > cap {}", r.bet_id, r.grant, cap),
            }
            // Killed exactly when the streak reached K and no pin keeps the bet alive.
            let kept = input.pins.iter().any(|p| p.bet_id == r.bet_id);
            let due = r.streak >= input.policy.kill_after_misses;
            prop_assert_eq!(r.decision == Decision::Killed, due && !kept, "bet {}", r.bet_id);
            if r.decision == Decision::Killed {
                prop_assert_eq!(r.grant, 0);
            }
        }
    }

    #[test]
    fn several_windows_judge_exactly_as_one_window_reaching_back_as_far(spec in spec()) {
        // The rule's definition: judging on the last k windows is v1 on the window that starts
        // where the k-th newest window starts. A v1 round is unchanged by earlier starts.
        let input = build(&spec);
        let out = evaluate(&input).unwrap();
        let one = RoundInput {
            window_start: judged_from(&input),
            earlier_window_starts: Vec::new(),
            policy: Policy { evidence_windows: 1, ..input.policy.clone() },
            ..input.clone()
        };
        prop_assert_eq!(&evaluate(&one).unwrap(), &out);
        if input.policy.evidence_windows == 1 {
            prop_assert_eq!(judged_from(&input), input.window_start);
        }
    }

    #[test]
    fn determinism_same_input_and_shuffled_input_give_identical_output(spec in spec()) {
        let input = build(&spec);
        let out = evaluate(&input).unwrap();
        prop_assert_eq!(&evaluate(&input).unwrap(), &out);
        let mut shuffled = input.clone();
        let mut rng = Rng::stream(spec.seed, 0xD1CE);
        rng.shuffle(&mut shuffled.bets);
        rng.shuffle(&mut shuffled.pins);
        rng.shuffle(&mut shuffled.earlier_window_starts);
        for bet in &mut shuffled.bets {
            rng.shuffle(&mut bet.observations);
        }
        prop_assert_eq!(&evaluate(&shuffled).unwrap(), &out);
    }

    #[test]
    fn monotonicity_better_evidence_never_lowers_a_continuing_bets_target(
        spec in spec(),
        pick in any::<prop::sample::Index>(),
        lift in 0.05f64..2.0,
    ) {
        let input = build(&spec);
        let before = evaluate(&input).unwrap();
        // The first eligible bet from a random start: continuing, not pinned, not capped.
        let cap = cap(&input);
        let n = input.bets.len();
        let start = pick.index(n);
        let Some(j) = (0..n).map(|k| (start + k) % n).find(|&k| {
            let bet = &input.bets[k];
            let r = before.results.iter().find(|r| r.bet_id == bet.id).unwrap();
            !bet.is_new && !r.pinned && r.target < exact_f64(cap)
        }) else {
            return Ok(());
        };
        let mut better = input.clone();
        let bet = &mut better.bets[j];
        let shift = bet.direction.sign() * lift * (bet.threshold - bet.baseline).abs();
        for o in &mut bet.observations {
            o.value += shift;
        }
        let id = bet.id;
        let after = evaluate(&better).unwrap();
        let old = before.results.iter().find(|r| r.bet_id == id).unwrap();
        let new = after.results.iter().find(|r| r.bet_id == id).unwrap();
        prop_assert!(
            new.target >= old.target * (1.0 - 1e-9) - 1e-6,
            "bet {id}: target {} -> {}", old.target, new.target
        );
        prop_assert!(new.grant >= old.grant - 1, "bet {id}: grant {} -> {}", old.grant, new.grant);
    }

    #[test]
    fn beta_zero_every_survivor_keeps_its_share_of_m(
        seed in any::<u64>(),
        bets in 1usize..=200,
        budget in budget(),
        confidence in 0.51f64..0.99,
        exploration_share in 0.0f64..=1.0,
    ) {
        // Every bet continuing, previously funded and clearly beating; no pins, no cap, no
        // minimum: with beta = 0 every weight is g, so each grant is M * g / G within one unit.
        let policy = Policy {
            confidence,
            selection_pressure: 0.0,
            exploration_share,
            max_share: 1.0,
            min_grant: 0,
            ..Policy::default()
        };
        let mut input = build(&Spec { seed, bets, budget, policy, pins: 0, windowed: false });
        for (i, bet) in input.bets.iter_mut().enumerate() {
            let mut rng = Rng::stream(seed, 1_000 + i as u64);
            let d = bet.direction.sign();
            let gap = (bet.threshold - bet.baseline).abs();
            bet.is_new = false;
            bet.prev_grant = rng.range(1, 1_000_000);
            let level = bet.threshold + d * gap * rng.between(0.5, 3.0);
            bet.observations = (0..rng.range(3, 12))
                .map(|k| Observation {
                    at: as_of() - Duration::days(k),
                    value: level + d * gap * rng.between(0.0, 0.01),
                })
                .collect();
        }
        let out = evaluate(&input).unwrap();
        let total: f64 = input.bets.iter().map(|b| exact_f64(b.prev_grant)).sum();
        prop_assert_eq!(out.main_pool, exact_f64(input.budget));
        for bet in &input.bets {
            let r = out.results.iter().find(|r| r.bet_id == bet.id).unwrap();
            prop_assert_eq!(r.outcome, Outcome::Beat);
            let share = exact_f64(input.budget) * exact_f64(bet.prev_grant) / total;
            prop_assert!(
                (exact_f64(r.grant) - share).abs() <= 1.0 + 1e-6 * share,
                "bet {}: grant {} vs share {}", bet.id, r.grant, share
            );
        }
    }
}
