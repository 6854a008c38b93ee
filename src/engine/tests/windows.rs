//! Evidence over several windows (`docs/engine.md`, "Evidence over several windows"): which
//! reports a round judges with `evidence_windows` k, and the inputs it refuses.

use super::*;

/// Window starts 30 and 60 days back; reports on days -50 and -40 (the earlier window) and -10
/// and 0 (the round's own window), on the line 100 + day: the level at `as_of` is 100 exactly.
fn two_windows(k: u32) -> RoundInput {
    let mut input = round(
        1_000,
        Policy {
            evidence_windows: k,
            ..uncapped()
        },
        vec![BetEvidence {
            prev_grant: 500,
            observations: [-50, -40, -10, 0]
                .iter()
                .map(|&d| Observation {
                    at: day(d),
                    value: 100.0 + f64::from(i32::try_from(d).unwrap()),
                })
                .collect(),
            ..bet(1)
        }],
    );
    input.window_start = Some(day(-30));
    input.earlier_window_starts = vec![day(-60)];
    input
}

#[test]
fn one_window_sees_two_reports_and_two_windows_see_four() {
    // k = 1: days -10 and 0 only, fewer than m = 3: insufficient data, a miss.
    let one = run(&two_windows(1));
    assert_eq!(result(&one, 1).n, 2);
    assert_eq!(result(&one, 1).outcome, Outcome::InsufficientData);
    // k = 2: all four, on an exact line through 100 at as_of: L = 100, slope 1, se 0, and
    // z = L - T = 0, so P = 0.5: uncertain, and the streak stays.
    let two = run(&two_windows(2));
    let r = result(&two, 1);
    assert_eq!(r.n, 4);
    assert!((r.level.unwrap() - 100.0).abs() < 1e-9, "{r:?}");
    assert!((r.slope.unwrap() - 1.0).abs() < 1e-12, "{r:?}");
    assert_eq!(r.outcome, Outcome::Uncertain);
}

#[test]
fn more_windows_than_the_portfolio_has_reach_back_to_the_start_of_time() {
    // k = 3 with one earlier start: the judged window has no lower bound; a report from long
    // before the earlier window counts too.
    let mut input = two_windows(3);
    input.bets[0].observations.push(Observation {
        at: day(-400),
        value: -300.0,
    });
    assert_eq!(judged_from(&input), None);
    assert_eq!(result(&run(&input), 1).n, 5);
    // k = 2 leaves it out.
    input.policy.evidence_windows = 2;
    assert_eq!(judged_from(&input), Some(day(-60)));
    assert_eq!(result(&run(&input), 1).n, 4);
}

#[test]
fn earlier_starts_are_taken_newest_first_whatever_their_order() {
    let mut input = two_windows(2);
    input.earlier_window_starts = vec![day(-90), day(-60), day(-120)];
    assert_eq!(judged_from(&input), Some(day(-60)));
    input.policy.evidence_windows = 4;
    assert_eq!(judged_from(&input), Some(day(-120)));
}

#[test]
fn earlier_starts_out_of_order_with_the_window_are_refused() {
    let mut input = two_windows(2);
    input.earlier_window_starts = vec![day(-60), day(-30)];
    let e = rejected(&input);
    assert!(matches!(e, EngineError::EarlierWindowStart { .. }), "{e}");
    assert!(
        e.to_string().contains("must be before the window start"),
        "{e}"
    );
    input.earlier_window_starts = vec![day(-60), day(-60)];
    assert!(matches!(
        rejected(&input),
        EngineError::DuplicateWindowStart(_)
    ));
    input.window_start = None;
    input.earlier_window_starts = vec![day(-60)];
    let e = rejected(&input);
    assert!(e.to_string().contains("start of time"), "{e}");
}

#[test]
fn a_policy_stored_before_the_field_reads_as_v1_and_out_of_range_k_is_refused() {
    let old: Policy = serde_json::from_str(r#"{"confidence": 0.8}"#).unwrap();
    assert_eq!(old.evidence_windows, 1);
    let two: Policy = serde_json::from_str(r#"{"evidence_windows": 2}"#).unwrap();
    assert!(
        serde_json::to_string(&two)
            .unwrap()
            .contains(r#""evidence_windows":2"#)
    );
    for k in [0, MAX_EVIDENCE_WINDOWS + 1] {
        let e = rejected(&two_windows(k));
        assert_eq!(
            e.to_string(),
            "the policy's evidence_windows must be between 1 and 20"
        );
    }
    // And a v1 input serialises without the earlier starts.
    let mut input = two_windows(1);
    input.earlier_window_starts.clear();
    assert!(!serde_json::to_string(&input).unwrap().contains("earlier"));
}
