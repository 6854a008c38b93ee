//! Properties over random races (proptest): raw P(best) sum to 1, losses are never negative,
//! the input order changes nothing, identical evidence gets identical P(best), and improving
//! one racer's reports never lowers its P(best). Races have 2 to 6 racers, noisy lines, exact
//! lines (point masses), reports at one instant, late starters and racers with too few
//! reports, on all three measures.

use proptest::prelude::*;

use super::*;

/// One racer's evidence, before it is turned into reports.
#[derive(Debug, Clone)]
struct Spec {
    level: f64,
    slope: f64,
    /// 0 makes an exact line: a point mass.
    noise: f64,
    /// Days of reports (2 is too few: no forecast).
    n: i64,
    /// Days between the last report and the finish.
    gap: i64,
    one_instant: bool,
    wiggle: Vec<f64>,
    /// d * (T - b) > 0, for the progress measure.
    target: f64,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        -50.0..50.0_f64,
        -2.0..2.0_f64,
        prop_oneof![1 => Just(0.0), 4 => 0.01..20.0_f64],
        2_i64..10,
        0_i64..6,
        prop::bool::weighted(0.15),
        prop::collection::vec(-1.0..1.0_f64, 10),
        1.0..200.0_f64,
    )
        .prop_map(
            |(level, slope, noise, n, gap, one_instant, wiggle, target)| Spec {
                level,
                slope,
                noise,
                n,
                gap,
                one_instant,
                wiggle,
                target,
            },
        )
}

/// The measure: 0 metric higher is better, 1 metric lower is better, 2 progress.
fn build(specs: &[Spec], measure: u8, shift: (usize, f64)) -> RaceInput {
    let direction = if measure == 1 {
        Direction::LowerIsBetter
    } else {
        Direction::HigherIsBetter
    };
    let racers = specs
        .iter()
        .zip(1..)
        .map(|(s, bet_id)| {
            // In a progress race every other racer is lower is better.
            let direction = if measure == 2 && bet_id % 2 == 0 {
                Direction::LowerIsBetter
            } else {
                direction
            };
            let d = direction.sign();
            let better = if shift.0 + 1 == usize::try_from(bet_id).unwrap() {
                d * shift.1
            } else {
                0.0
            };
            let observations = (0..s.n)
                .map(|k| {
                    let offset = if s.one_instant {
                        -s.gap
                    } else {
                        k - s.n + 1 - s.gap
                    };
                    let x = f64::from(i32::try_from(offset).unwrap());
                    let wiggle = s.wiggle[usize::try_from(k).unwrap()];
                    Observation {
                        at: day(offset),
                        value: s.level + s.slope * x + s.noise * wiggle + better,
                    }
                })
                .collect();
            RacerEvidence {
                bet_id,
                direction,
                baseline: 0.0,
                threshold: d * s.target,
                observations,
            }
        })
        .collect();
    let measure = match measure {
        2 => RaceMeasure::Progress,
        _ => RaceMeasure::Metric { direction },
    };
    RaceInput {
        measure,
        ..race(racers)
    }
}

fn races() -> impl Strategy<Value = (Vec<Spec>, u8)> {
    (prop::collection::vec(spec(), 2..7), 0_u8..3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn p_best_sums_to_one_and_losses_are_never_negative((specs, measure) in races()) {
        // `run` checks both: the raw sum within 1e-6, every expected loss >= 0 and finite.
        let out = run(&build(&specs, measure, (0, 0.0)));
        for r in &out.racers {
            prop_assert_eq!(r.p_best.is_some(), out.compared >= 2 && r.forecast.is_some());
            if let Some(p) = r.p_best {
                prop_assert!((0.0..=1.0 + 1e-12).contains(&p), "P(best) {}", p);
            }
        }
    }

    #[test]
    fn the_input_order_changes_nothing((specs, measure) in races(), turn in 0_usize..7) {
        let input = build(&specs, measure, (0, 0.0));
        let mut shuffled = input.clone();
        let turn = turn % shuffled.racers.len();
        shuffled.racers.rotate_left(turn);
        shuffled.racers.reverse();
        for r in &mut shuffled.racers {
            r.observations.reverse();
            let half = r.observations.len() / 2;
            r.observations.rotate_left(half);
        }
        prop_assert_eq!(run(&input), run(&shuffled));
    }

    #[test]
    fn identical_evidence_gets_identical_p_best((specs, measure) in races()) {
        let mut input = build(&specs, measure, (0, 0.0));
        let mut twin = input.racers[0].clone();
        twin.bet_id = 100;
        input.racers.push(twin);
        let out = run(&input);
        let (a, b) = (standing(&out, 1), standing(&out, 100));
        prop_assert_eq!(a.forecast, b.forecast);
        match (a.p_best, b.p_best) {
            (Some(pa), Some(pb)) => prop_assert!((pa - pb).abs() <= 1e-12, "{} vs {}", pa, pb),
            (None, None) => {}
            other => prop_assert!(false, "{:?}", other),
        }
        if let (Some(la), Some(lb)) = (a.expected_loss, b.expected_loss) {
            prop_assert!((la - lb).abs() <= 1e-12 * la.abs().max(1.0), "{} vs {}", la, lb);
        }
    }

    #[test]
    fn improving_a_racer_never_lowers_its_p_best(
        (specs, measure) in races(),
        which in 0_usize..6,
        delta in prop_oneof![1e-6..1e-3_f64, 1e-3..1.0_f64, 1.0..30.0_f64],
    ) {
        let which = which % specs.len();
        let before = run(&build(&specs, measure, (which, 0.0)));
        let after = run(&build(&specs, measure, (which, delta)));
        let id = i64::try_from(which).unwrap() + 1;
        if let (Some(p0), Some(p1)) = (standing(&before, id).p_best, standing(&after, id).p_best) {
            prop_assert!(p1 >= p0 - 1e-9, "P(best) fell from {} to {}", p0, p1);
        }
    }
}
