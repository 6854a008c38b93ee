//! Rejected rounds: every check names what is wrong, and nothing is computed.

use super::*;

#[test]
fn non_finite_observation_baseline_or_threshold_is_rejected() {
    let mut nan_report = flat(1, 100, 200.0);
    nan_report.observations[1].value = f64::NAN;
    let mut inf_outside_window = flat(1, 100, 200.0);
    inf_outside_window.observations.push(Observation {
        at: day(5),
        value: f64::INFINITY,
    });
    let inf_baseline = BetEvidence {
        baseline: f64::NEG_INFINITY,
        ..flat(1, 100, 200.0)
    };
    let nan_threshold = BetEvidence {
        threshold: f64::NAN,
        ..flat(1, 100, 200.0)
    };
    for (b, what) in [
        (nan_report, "the report at 2025-06-29T12:00:00+00:00"),
        (
            inf_outside_window,
            "the report at 2025-07-05T12:00:00+00:00",
        ),
        (inf_baseline, "its baseline"),
        (nan_threshold, "its threshold"),
    ] {
        let err = rejected(&round(1_000, Policy::default(), vec![b]));
        assert_eq!(
            err,
            EngineError::NonFiniteValue {
                bet_id: 1,
                what: what.to_owned()
            }
        );
        assert_eq!(
            err.to_string(),
            format!("bet 1: {what} is not a finite number")
        );
    }
}

#[test]
fn duplicate_bet_ids_are_rejected() {
    let input = round(1_000, Policy::default(), vec![bet(4), bet(2), bet(4)]);
    assert_eq!(rejected(&input), EngineError::DuplicateBet(4));
}

#[test]
fn threshold_that_does_not_ask_for_improvement_is_rejected() {
    let higher_down = BetEvidence {
        baseline: 100.0,
        threshold: 90.0,
        ..bet(1)
    };
    let equal = BetEvidence {
        baseline: 100.0,
        threshold: 100.0,
        ..bet(2)
    };
    let lower_up = BetEvidence {
        direction: Direction::LowerIsBetter,
        baseline: 100.0,
        threshold: 110.0,
        ..bet(3)
    };
    for b in [higher_down, equal, lower_up] {
        let id = b.id;
        let err = rejected(&round(1_000, Policy::default(), vec![b]));
        assert!(matches!(err, EngineError::ThresholdNotImprovement { bet_id, .. } if bet_id == id));
    }
    let err = rejected(&round(
        1_000,
        Policy::default(),
        vec![BetEvidence {
            baseline: 100.0,
            threshold: 90.0,
            ..bet(1)
        }],
    ));
    assert_eq!(
        err.to_string(),
        "bet 1: its threshold 90 does not ask for improvement over its baseline 100 (higher is better)"
    );
}

#[test]
fn pins_exceeding_the_budget_are_rejected() {
    // 600 + 500 = 1,100 > 1,000.
    let mut input = round(1_000, Policy::default(), vec![bet(1), bet(2)]);
    input.pins = vec![pin(1, Some(600), false, "a"), pin(2, Some(500), false, "b")];
    let err = rejected(&input);
    assert_eq!(
        err,
        EngineError::PinsExceedBudget {
            pinned: 1_100,
            budget: 1_000
        }
    );
    assert_eq!(
        err.to_string(),
        "pinned grants total 1,100, more than the budget of 1,000"
    );
    // Exactly the budget is fine: B' = 0.
    input.pins[1].grant = Some(400);
    let out = run(&input);
    assert_eq!((out.available, out.reserve), (0, 0));
}

#[test]
fn bad_pins_are_rejected() {
    let two = || round(1_000, Policy::default(), vec![bet(1), bet(2)]);
    let cases = [
        (
            vec![pin(9, Some(1), false, "x")],
            EngineError::PinForUnknownBet(9),
        ),
        (
            vec![pin(2, Some(1), false, "x"), pin(2, None, true, "y")],
            EngineError::DuplicatePin(2),
        ),
        (vec![pin(1, None, false, "x")], EngineError::EmptyPin(1)),
        (
            vec![pin(1, Some(1), false, "  ")],
            EngineError::PinWithoutReason(1),
        ),
        (
            vec![pin(1, Some(-5), false, "x")],
            EngineError::NegativeAmount {
                bet_id: 1,
                what: "pinned grant",
                amount: -5,
            },
        ),
    ];
    for (pins, expected) in cases {
        let mut input = two();
        input.pins = pins;
        assert_eq!(rejected(&input), expected);
    }
}

#[test]
fn negative_or_oversized_amounts_are_rejected() {
    let mut input = round(-1, Policy::default(), vec![]);
    assert_eq!(rejected(&input), EngineError::NegativeBudget(-1));
    input.budget = MAX_AMOUNT + 1;
    assert!(matches!(
        rejected(&input),
        EngineError::AmountTooLarge { bet_id: None, .. }
    ));
    input.budget = MAX_AMOUNT;
    run(&input);

    let cases = [
        (
            BetEvidence {
                prev_grant: -1,
                ..bet(1)
            },
            "previous grant",
        ),
        (
            BetEvidence {
                seed_request: Some(-1),
                ..new_bet(1)
            },
            "seed request",
        ),
    ];
    for (b, what) in cases {
        let err = rejected(&round(1_000, Policy::default(), vec![b]));
        assert_eq!(
            err,
            EngineError::NegativeAmount {
                bet_id: 1,
                what,
                amount: -1
            }
        );
    }
    let new_with_grant = BetEvidence {
        prev_grant: 5,
        ..new_bet(1)
    };
    assert_eq!(
        rejected(&round(1_000, Policy::default(), vec![new_with_grant])),
        EngineError::NewBetWithPrevGrant {
            bet_id: 1,
            prev_grant: 5
        }
    );
}

#[test]
fn empty_window_is_rejected() {
    let mut input = round(1_000, Policy::default(), vec![]);
    input.window_start = Some(as_of());
    assert!(matches!(rejected(&input), EngineError::EmptyWindow { .. }));
}

#[test]
fn extreme_values_are_rejected_not_turned_into_nan() {
    // Reports near f64::MAX overflow the sums: a clear error instead of NaN grants.
    let huge = BetEvidence {
        observations: reports(&[1e308, -1e308, 1e308]),
        ..bet(1)
    };
    let err = rejected(&round(1_000, Policy::default(), vec![huge]));
    assert_eq!(err, EngineError::EstimateOverflow { bet_id: 1 });
    // Progress 1e40 to the power 10 overflows the fitness.
    let policy = Policy {
        progress_cap: 1e300,
        selection_pressure: 10.0,
        ..Policy::default()
    };
    let far = flat(1, 100, 1e42);
    let err = rejected(&round(1_000, policy, vec![far]));
    assert_eq!(err, EngineError::WeightOverflow { bet_id: Some(1) });
}
