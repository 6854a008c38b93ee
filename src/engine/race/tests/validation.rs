//! Every refusal, with the message a committee member reads, in the order the checks run.

use super::*;

fn message(input: &RaceInput) -> String {
    rejected(input).to_string()
}

fn two() -> RaceInput {
    race(vec![
        with_reports(1, &[1.0, 2.0, 3.0]),
        with_reports(2, &[2.0, 2.0, 2.0]),
    ])
}

#[test]
fn confidence_must_be_strictly_between_one_half_and_one() {
    for c in [0.5, 1.0, 0.2, f64::NAN, f64::INFINITY] {
        let input = RaceInput {
            confidence: c,
            ..two()
        };
        assert_eq!(
            message(&input),
            "the race's confidence must be strictly between 0.5 and 1"
        );
    }
    for c in [0.500_001, 0.999_999] {
        run(&RaceInput {
            confidence: c,
            ..two()
        });
    }
}

#[test]
fn min_reports_must_be_at_least_three() {
    let input = RaceInput {
        min_reports: 2,
        ..two()
    };
    assert_eq!(message(&input), "the race's min_reports must be at least 3");
}

#[test]
fn the_start_must_be_before_the_finish() {
    let input = RaceInput {
        start: finish(),
        ..two()
    };
    assert_eq!(
        message(&input),
        "the race is empty: it starts at 2025-06-30 12:00:00 UTC, not before its finish 2025-06-30 12:00:00 UTC"
    );
}

#[test]
fn a_race_needs_two_racers() {
    let input = race(vec![with_reports(1, &[1.0, 2.0, 3.0])]);
    assert_eq!(message(&input), "a race compares at least two bets (got 1)");
    assert_eq!(rejected(&race(vec![])), RaceError::TooFewRacers(0));
}

#[test]
fn a_bet_races_once() {
    let input = race(vec![racer(5), racer(3), racer(5), racer(3)]);
    assert_eq!(message(&input), "bet 3 appears more than once in the race");
}

#[test]
fn values_must_be_finite() {
    let mut input = two();
    input.racers[1].baseline = f64::NAN;
    assert_eq!(
        message(&input),
        "bet 2: its baseline is not a finite number"
    );
    let mut input = two();
    input.racers[0].threshold = f64::INFINITY;
    assert_eq!(
        message(&input),
        "bet 1: its threshold is not a finite number"
    );
    // Every report counts, in the window or not; the earliest bad one is named.
    let mut input = two();
    input.racers[0].observations.push(Observation {
        at: day(5),
        value: f64::NAN,
    });
    input.racers[0].observations.push(Observation {
        at: day(-100),
        value: f64::NEG_INFINITY,
    });
    assert_eq!(
        message(&input),
        "bet 1: the report at 2025-03-22T12:00:00+00:00 is not a finite number"
    );
}

#[test]
fn a_metric_race_compares_one_direction() {
    let mut input = two();
    input.racers[1].direction = Direction::LowerIsBetter;
    assert_eq!(
        message(&input),
        "bet 2 is measured lower is better, but this race compares bets measured higher is better"
    );
    // In a progress race directions may differ.
    input.measure = RaceMeasure::Progress;
    run(&input);
}

#[test]
fn a_progress_racer_needs_a_threshold_away_from_its_baseline() {
    let mut input = RaceInput {
        measure: RaceMeasure::Progress,
        ..two()
    };
    input.racers[0].baseline = 100.0;
    assert_eq!(
        message(&input),
        "bet 1: its threshold equals its baseline (100), so its progress is not defined"
    );
    // A metric race does not use the threshold.
    input.measure = RaceMeasure::Metric {
        direction: Direction::HigherIsBetter,
    };
    run(&input);
}

#[test]
fn checks_run_in_a_fixed_order_whatever_the_input_order() {
    // Two faults: bet 4's baseline and bet 2's threshold. Bets are checked in ascending id.
    let mut a = racer(4);
    a.baseline = f64::NAN;
    let mut b = racer(2);
    b.threshold = f64::NAN;
    let input = race(vec![a.clone(), b.clone()]);
    let shuffled = race(vec![b, a]);
    assert_eq!(rejected(&input), rejected(&shuffled));
    assert_eq!(
        message(&input),
        "bet 2: its threshold is not a finite number"
    );
    // The settings come before the racers.
    let input = RaceInput {
        confidence: 2.0,
        ..input
    };
    assert!(message(&input).starts_with("the race's confidence"));
}

#[test]
fn arithmetic_overflow_is_refused_not_turned_into_nan() {
    // Reports near the largest float: the fit's sums overflow.
    let huge = with_reports(1, &[1e308, -1e308, 1e308, -1e308]);
    let input = race(vec![huge, with_reports(2, &[1.0, 2.0, 3.0])]);
    assert_eq!(
        message(&input),
        "bet 1: its reports are too far apart in size to forecast its level at the finish (the arithmetic overflows)"
    );
    // Two finite forecasts too far apart to subtract: progress 10 / 1e-307 = 1e308 and
    // 10 / -1e-307 = -1e308; the gap between them is beyond the largest float.
    let tight = |id, threshold| RacerEvidence {
        threshold,
        ..with_reports(id, &[10.0, 10.0, 10.0])
    };
    let input = RaceInput {
        measure: RaceMeasure::Progress,
        ..race(vec![tight(1, 1e-307), tight(2, -1e-307)])
    };
    assert_eq!(rejected(&input), RaceError::ComparisonOverflow);
    assert_eq!(
        message(&input),
        "the racers' forecasts are too far apart in size to compare them (the arithmetic overflows)"
    );
}

#[test]
fn the_input_is_json_parsed_strictly() {
    // The minimal input of `docs/engine.md`, "Race inputs".
    let json = r#"{
      "start": "2025-06-01T00:00:00Z", "finish": "2025-06-30T12:00:00Z",
      "measure": {"metric": {"direction": "higher_is_better"}}, "min_reports": 3, "confidence": 0.8,
      "racers": [
        {"bet_id": 1, "direction": "higher_is_better", "baseline": 0, "threshold": 100,
         "observations": [{"at": "2025-06-10T00:00:00Z", "value": 10}, {"at": "2025-06-11T00:00:00Z", "value": 12},
                          {"at": "2025-06-12T00:00:00Z", "value": 11}]},
        {"bet_id": 2, "direction": "higher_is_better", "baseline": 0, "threshold": 100}
      ]
    }"#;
    let input: RaceInput = serde_json::from_str(json).unwrap();
    let out = run(&input);
    assert_eq!(out.call, RaceCall::NotEnoughData);
    let text = serde_json::to_string(&out).unwrap();
    assert!(text.contains(r#""call":"not_enough_data""#), "{text}");
    assert_eq!(serde_json::from_str::<RaceStandings>(&text).unwrap(), out);
    let progress: RaceInput = serde_json::from_str(&json.replace(
        r#"{"metric": {"direction": "higher_is_better"}}"#,
        r#""progress""#,
    ))
    .unwrap();
    assert_eq!(progress.measure, RaceMeasure::Progress);
    // An unknown field is refused.
    let extra = json.replace(
        r#""confidence": 0.8"#,
        r#""confidence": 0.8, "colour": "red""#,
    );
    assert!(serde_json::from_str::<RaceInput>(&extra).is_err());
    let winner = serde_json::to_string(&RaceCall::Winner { bet_id: 3 }).unwrap();
    assert_eq!(winner, r#"{"winner":{"bet_id":3}}"#);
}
