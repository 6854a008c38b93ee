//! Step 6: one decision per bet, in the order of `docs/engine.md`, and readable reasons; serialisation.

use super::*;

/// One portfolio with every decision. B = 10,000, e = 0.1, h = 1.
/// - 1: g = 1,000, streak 1, reads 50: miss, streak 2 = K: killed.
/// - 2: new, pinned at 0: pinned (before seed and cut).
/// - 3: new, seed request 0: a seed candidate that gets nothing: cut.
/// - 4: new: seed. E = 1,000 over bets 3 and 4: bet 3 takes its cap 0, bet 4 the 1,000.
/// - M = 10,000 - 1,000 = 9,000 over w5 = 1,000 * 2 = 2,000 (reads 200),
///   w6 = 4,000 * 1 = 4,000 (reads 100 = T: P = 0.5, uncertain, q = 1),
///   w7 = 6,000 * 0.5 = 3,000 (reads 50, miss, streak 1): W = 9,000 = M, so a_i = w_i:
///   5: 2,000 > 1,000 increase; 6: 4,000 = 4,000 hold; 7: 3,000 < 6,000 decrease.
fn every_decision() -> RoundInput {
    let policy = Policy {
        max_share: 1.0,
        ..Policy::default()
    };
    let bets = vec![
        BetEvidence {
            prev_streak: 1,
            ..flat(1, 1_000, 50.0)
        },
        new_bet(2),
        BetEvidence {
            seed_request: Some(0),
            ..new_bet(3)
        },
        new_bet(4),
        flat(5, 1_000, 200.0),
        flat(6, 4_000, 100.0),
        flat(7, 6_000, 50.0),
    ];
    let mut input = round(10_000, policy, bets);
    input.pins = vec![pin(2, Some(0), false, "paused for a security review")];
    input
}

#[test]
fn decisions_follow_the_order_killed_pinned_seed_cut_increase_decrease_hold() {
    let out = run(&every_decision());
    assert_eq!(grants(&out), vec![0, 0, 0, 1_000, 2_000, 4_000, 3_000]);
    assert_eq!(
        decisions(&out),
        vec![
            Decision::Killed,
            Decision::Pinned,
            Decision::Cut,
            Decision::Seed,
            Decision::Increase,
            Decision::Hold,
            Decision::Decrease,
        ]
    );
    assert_eq!(out.reserve, 0);
}

#[test]
fn reasons_read_as_plain_language() {
    let out = run(&every_decision());
    let expect = [
        (
            1,
            "missed its threshold: level 50 vs 100, P = 0.00 (miss 2 of 2)",
        ),
        (1, "killed after 2 missed rounds"),
        (
            1,
            "gets nothing and leaves the portfolio (previous grant 1,000)",
        ),
        (2, "pinned by the committee: paused for a security review"),
        (2, "new bet: streak starts next round"),
        (3, "no seed money: its seed request is 0"),
        (4, "seeded from the exploration pool"),
        (4, "insufficient data: 0 reports in the window, 3 needed"),
        (4, "seed grant 1,000"),
        (5, "beat its threshold: level 200 vs 100, P = 1.00"),
        (
            5,
            "progress 2, fitness 2: weight 2,000 of 9,000 in the main pool (22.22%)",
        ),
        (5, "grant 2,000, up from 1,000"),
        (
            6,
            "uncertain: level 100 vs 100, P = 0.50, between 0.2 and 0.8",
        ),
        (6, "grant unchanged at 4,000"),
        (7, "grant 3,000, down from 6,000"),
    ];
    for (id, text) in expect {
        let r = result(&out, id);
        assert!(
            has_reason(r, text),
            "bet {id} lacks {text:?}: {:#?}",
            r.reasons
        );
    }
    // A new bet's miss does not count toward a streak, so no "(miss ...)" on it.
    assert!(!has_reason(result(&out, 4), "(miss"));
}

/// With the currency's decimals given, money reads as people write it; the amounts themselves
/// (whole minor units) do not change.
#[test]
fn reasons_quote_money_in_the_currencys_decimals() {
    let in_cents = RoundInput {
        money_decimals: 2,
        ..every_decision()
    };
    let out = run(&in_cents);
    assert_eq!(grants(&out), grants(&run(&every_decision())));
    assert!(has_reason(result(&out, 4), "seed grant 10.00"));
    assert!(has_reason(result(&out, 5), "grant 20.00, up from 10.00"));
    assert!(has_reason(result(&out, 7), "grant 30.00, down from 60.00"));
    // Weights are not money: they keep their own figures.
    assert!(has_reason(result(&out, 5), "weight 2,000 of 9,000"));
}

#[test]
fn more_money_decimals_than_any_currency_has_are_refused() {
    let input = RoundInput {
        money_decimals: 5,
        ..every_decision()
    };
    assert!(matches!(
        evaluate(&input),
        Err(EngineError::MoneyDecimals(5))
    ));
}

#[test]
fn decision_and_outcome_words_match_their_json() {
    // Each list holds every variant once, in order: position() is an exhaustive match.
    for (i, d) in Decision::ALL.into_iter().enumerate() {
        assert_eq!(d.position(), i, "{d:?}");
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            format!("\"{}\"", d.as_str())
        );
    }
    for (i, o) in Outcome::ALL.into_iter().enumerate() {
        assert_eq!(o.position(), i, "{o:?}");
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            format!("\"{}\"", o.as_str())
        );
    }
    assert_eq!(Direction::LowerIsBetter.sign(), -1.0);
    assert_eq!(
        serde_json::to_string(&Direction::HigherIsBetter).unwrap(),
        "\"higher_is_better\""
    );
}

#[test]
fn json_round_trip_of_input_and_outcome() {
    let mut input = every_decision();
    input.window_start = Some(day(-30));
    input.pins.push(pin(1, None, true, "one more quarter"));
    let text = serde_json::to_string(&input).unwrap();
    let back: RoundInput = serde_json::from_str(&text).unwrap();
    assert_eq!(back, input);

    let out = run(&input);
    let text = serde_json::to_string(&out).unwrap();
    let back: RoundOutcome = serde_json::from_str(&text).unwrap();
    assert_eq!(back, out);
}

#[test]
fn json_partial_policy_takes_defaults_and_unknown_fields_are_refused() {
    let json = r#"{"budget": 100, "as_of": "2025-06-30T12:00:00Z",
        "policy": {"confidence": 0.9}, "bets": []}"#;
    let input: RoundInput = serde_json::from_str(json).unwrap();
    assert_eq!(input.policy.confidence, 0.9);
    assert_eq!(input.policy.max_share, Policy::default().max_share);
    assert_eq!((input.window_start, input.pins.len()), (None, 0));
    let empty = run(&input);
    assert_eq!(empty.reserve, 100);

    let typo = r#"{"budget": 100, "as_of": "2025-06-30T12:00:00Z",
        "policy": {"confidense": 0.9}, "bets": []}"#;
    assert!(serde_json::from_str::<RoundInput>(typo).is_err());
    let extra = r#"{"budget": 100, "as_of": "2025-06-30T12:00:00Z", "bets": [], "x": 1}"#;
    assert!(serde_json::from_str::<RoundInput>(extra).is_err());
}

#[test]
fn a_kill_after_one_miss_says_one_missed_round() {
    // K = 1: a continuing bet at 50 against 100 misses once and is killed at once.
    let policy = Policy {
        kill_after_misses: 1,
        ..Policy::default()
    };
    let out = run(&round(10_000, policy, vec![flat(1, 1_000, 50.0)]));
    let r = result(&out, 1);
    assert_eq!(r.decision, Decision::Killed);
    assert!(
        r.reasons.iter().any(|t| t == "killed after 1 missed round"),
        "{:?}",
        r.reasons
    );
}
