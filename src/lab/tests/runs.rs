//! A run through the engine, and the metrics' definitions checked on a run built by hand.

use super::hard;
use crate::engine::Policy;
use crate::lab::{
    NoiseKind, ReportPlan, RunRecord, Scenario, Spread, generate, measure, run, stat, summarise,
    window_start,
};

/// No noise, no drift, truth spread far on both sides of the threshold, reports every ten
/// days: the engine sees every bet exactly as it is.
fn clear() -> Scenario {
    let mut s = hard();
    s.true_progress = Spread { mean: 1.0, sd: 1.0 };
    s.progress_per_year = Spread { mean: 0.0, sd: 0.0 };
    s.reports = ReportPlan {
        interval_days: 10.0,
        jitter_days: 0.0,
        probability: 1.0,
    };
    s.noise.sd = 0.0;
    s
}

#[test]
#[allow(clippy::cast_precision_loss, reason = "amounts below 2^53")]
fn with_no_noise_and_clear_truth_no_winner_dies_and_winners_get_what_the_engine_gives() {
    let scenario = clear();
    assert_eq!(scenario.noise.kind, NoiseKind::Multiplicative);
    for seed in 1..=5 {
        let world = generate(&scenario, seed);
        let record = run(&scenario, &world, &Policy::default()).unwrap();
        let m = measure(&record);
        assert!(m.truly_winning >= 3 && m.truly_winning < 30, "{m:?}");
        assert_eq!(m.winners_killed, 0.0, "seed {seed}: {m:?}");
        assert_eq!(m.killed_winners, 0);
        assert_eq!(m.losers_funded, 0.0, "seed {seed}: {m:?}");
        // Every loser misses from round 2 on and is gone after round 3 (K = 2).
        assert_eq!(m.killed_losers, m.bets - m.truly_winning, "seed {seed}");
        // What the engine hands out in the last round (the budget less the reserve) all goes
        // to truly winning bets.
        let last = record.grants.last().unwrap();
        let given: i64 = last.iter().sum();
        let share = given as f64 / record.budget as f64;
        assert!((m.winners_share - share).abs() < 1e-12, "{m:?}");
        assert!(m.winners_share > 0.99, "{m:?}");
    }
}

#[test]
fn metrics_follow_their_definitions_on_a_run_built_by_hand() {
    // Bets 0 and 1 truly win, 2 and 3 truly lose; round 3 killed bet 1, round 2 bet 3.
    let record = RunRecord {
        budget: 100,
        truly_winning: vec![true, true, false, false],
        grants: vec![
            vec![25, 25, 25, 25],
            vec![40, 30, 30, 0],
            vec![60, 0, 40, 0],
        ],
        killed_in: vec![None, Some(3), None, Some(2)],
    };
    let m = measure(&record);
    assert_eq!((m.bets, m.truly_winning), (4, 2));
    assert_eq!((m.killed_winners, m.killed_losers), (1, 1));
    // Last round: 60 of 100 to winners; one of the two losers (bet 2, 40) still funded.
    assert_eq!(m.winners_share, 0.6);
    assert_eq!(m.winners_killed, 0.5);
    assert_eq!(m.losers_funded, 0.5);
    // Round 2 moved 15 + 5 + 5 + 25 = 50, round 3 20 + 30 + 10 + 0 = 60, each / (2 * 100).
    assert!(
        (m.turnover - (0.25 + 0.30) / 2.0).abs() < 1e-15,
        "{}",
        m.turnover
    );

    // No bet truly wins: winners_killed is 0, not a division by zero.
    let none = RunRecord {
        truly_winning: vec![false; 4],
        ..record.clone()
    };
    let m = measure(&none);
    assert_eq!((m.winners_killed, m.winners_share), (0.0, 0.0));
    // Bets 0 and 2 of the four losers hold a grant in the last round.
    assert_eq!(m.losers_funded, 0.5);
}

#[test]
fn the_summary_is_mean_sample_sd_min_and_max() {
    let s = stat(&[1.0, 2.0, 3.0, 4.0]);
    assert_eq!((s.mean, s.min, s.max), (2.5, 1.0, 4.0));
    // sum of squares 5.25 / 3.
    assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
    assert_eq!(stat(&[0.7]).sd, 0.0);
    let record = RunRecord {
        budget: 10,
        truly_winning: vec![true],
        grants: vec![vec![10], vec![10]],
        killed_in: vec![None],
    };
    let summary = summarise(&[measure(&record)]);
    assert_eq!(summary.runs, 1);
    assert_eq!(summary.winners_share.mean, 1.0);
    assert_eq!(summary.turnover.max, 0.0);
}

#[test]
fn a_round_reads_the_reports_since_the_previous_round() {
    let scenario = hard();
    let world = generate(&scenario, 1);
    let policy = Policy::default();
    assert_eq!(window_start(&[]), None);
    assert_eq!(window_start(&world.as_ofs[..2]), Some(world.as_ofs[1]));
    let mut windows = Vec::new();
    crate::lab::run_observed(&scenario, &world, &policy, &mut |input| {
        windows.push((input.window_start, input.as_of));
        for bet in &input.bets {
            assert!(
                bet.observations.iter().all(|o| {
                    input.window_start.is_none_or(|w| o.at > w) && o.at <= input.as_of
                })
            );
        }
    })
    .unwrap();
    assert_eq!(windows[0], (None, world.as_ofs[0]));
    for (k, window) in windows.iter().enumerate().skip(1) {
        assert_eq!(*window, (Some(world.as_ofs[k - 1]), world.as_ofs[k]));
    }
    // Six rounds 91 days apart.
    assert_eq!((world.as_ofs[5] - world.as_ofs[0]).num_days(), 5 * 91);
}

#[test]
fn a_policy_judging_three_windows_reads_the_reports_of_the_last_three_rounds() {
    let scenario = hard();
    let world = generate(&scenario, 1);
    let policy = Policy {
        evidence_windows: 3,
        ..Policy::default()
    };
    let mut seen = Vec::new();
    crate::lab::run_observed(&scenario, &world, &policy, &mut |input| {
        let from = crate::engine::judged_from(input);
        for bet in &input.bets {
            assert!(
                bet.observations
                    .iter()
                    .all(|o| from.is_none_or(|w| o.at > w))
            );
        }
        seen.push((from, input.earlier_window_starts.clone()));
    })
    .unwrap();
    // Rounds 1 to 3 reach back to the start of time; round 4 on, to the as-of three rounds back.
    assert!(seen[..3].iter().all(|(from, _)| from.is_none()), "{seen:?}");
    for (k, (from, earlier)) in seen.iter().enumerate().skip(3) {
        assert_eq!(*from, Some(world.as_ofs[k - 3]), "round {}", k + 1);
        assert_eq!(earlier, &vec![world.as_ofs[k - 2], world.as_ofs[k - 3]]);
    }
}
