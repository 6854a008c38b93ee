//! Step 1 and step 2 against hand calculations.

use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn estimator_fits_a_noisy_line_by_hand() {
    // x = -2, -1, 0 days; y = 10, 21, 29. x_bar = -1, y_bar = 20, Sxx = 2,
    // Sxy = (-1)(-10) + 0 + (1)(9) = 19, slope = 9.5, L = 20 + 9.5 = 29.5.
    // Residuals -0.5, 1, -0.5: SSE = 1.5, nu = 1, s2 = 1.5,
    // se = sqrt(1.5 * (1/3 + 1/2)) = sqrt(1.25).
    // Threshold 25: z = 4.5, t = 4.5 / sqrt(1.25) = 4.0249; with 1 degree of freedom the t
    // distribution is Cauchy: P = 1/2 + atan(t) / pi = 0.9225 >= 0.8, a beat.
    let b = BetEvidence {
        threshold: 25.0,
        observations: reports(&[10.0, 21.0, 29.0]),
        ..bet(1)
    };
    let out = run(&round(1_000, uncapped(), vec![b]));
    let r = result(&out, 1);
    assert_eq!(r.n, 3);
    assert!(close(r.level.unwrap(), 29.5));
    assert!(close(r.slope.unwrap(), 9.5));
    assert!(close(r.se.unwrap(), 1.25_f64.sqrt()));
    assert_eq!(r.nu, Some(1));
    let t = 4.5 / 1.25_f64.sqrt();
    let p = 0.5 + t.atan() / std::f64::consts::PI;
    assert!(
        (r.p_beat.unwrap() - p).abs() < 1e-9,
        "{:?} vs {p}",
        r.p_beat
    );
    assert!((p - 0.9225).abs() < 1e-4);
    assert_eq!(r.outcome, Outcome::Beat);
    assert!(close(r.progress.unwrap(), 29.5 / 25.0));
    assert!(has_reason(
        r,
        "beat its threshold: level 29.5 vs 25, P = 0.92"
    ));
}

#[test]
fn estimator_known_t_table_value() {
    // The t table gives t(0.95, 1) = 6.3138: a bet whose t statistic is 6.3138 has P = 0.95.
    // Same noisy line as above (L = 29.5, se = sqrt(1.25)); threshold = L - 6.3138 * se.
    let se = 1.25_f64.sqrt();
    let b = BetEvidence {
        threshold: 29.5 - 6.3138 * se,
        observations: reports(&[10.0, 21.0, 29.0]),
        ..bet(1)
    };
    let out = run(&round(1_000, uncapped(), vec![b]));
    assert!((result(&out, 1).p_beat.unwrap() - 0.95).abs() < 1e-4);
}

#[test]
fn all_timestamps_equal_use_the_mean_with_nu_n_minus_1() {
    // Three reports at one instant: 1, 2, 3. L = 2, nu = 2, s2 = (1 + 0 + 1) / 2 = 1,
    // se = sqrt(1 / 3). Threshold 1: z = 1, t = sqrt(3). With 2 degrees of freedom
    // F(t) = 1/2 + t / (2 sqrt(2 + t^2)) = 1/2 + sqrt(3) / (2 sqrt(5)) = 0.8873.
    let at = day(-1);
    let b = BetEvidence {
        threshold: 1.0,
        baseline: -1.0,
        observations: [1.0, 2.0, 3.0]
            .iter()
            .map(|&value| Observation { at, value })
            .collect(),
        ..bet(1)
    };
    let out = run(&round(1_000, uncapped(), vec![b]));
    let r = result(&out, 1);
    assert_eq!(r.nu, Some(2));
    assert!(close(r.level.unwrap(), 2.0));
    assert!(close(r.se.unwrap(), (1.0_f64 / 3.0).sqrt()));
    let p = 0.5 + 3.0_f64.sqrt() / (2.0 * 5.0_f64.sqrt());
    assert!((r.p_beat.unwrap() - p).abs() < 1e-9);
    assert_eq!(r.outcome, Outcome::Beat);
}

#[test]
fn se_zero_exact_fit_gives_p_one_zero_or_half() {
    // 10, 20, 30 on days -2, -1, 0 lie exactly on y = 30 + 10x: L = 30, se = 0.
    let on_line = |id, threshold| BetEvidence {
        threshold,
        observations: reports(&[10.0, 20.0, 30.0]),
        ..bet(id)
    };
    let bets = vec![on_line(1, 25.0), on_line(2, 35.0), on_line(3, 30.0)];
    let out = run(&round(1_000, uncapped(), bets));
    for r in &out.results {
        assert_eq!(r.se, Some(0.0));
        assert!(close(r.level.unwrap(), 30.0));
    }
    assert_eq!(result(&out, 1).p_beat, Some(1.0));
    assert_eq!(result(&out, 1).outcome, Outcome::Beat);
    assert_eq!(result(&out, 2).p_beat, Some(0.0));
    assert_eq!(result(&out, 2).outcome, Outcome::Miss);
    assert_eq!(result(&out, 3).p_beat, Some(0.5));
    assert_eq!(result(&out, 3).outcome, Outcome::Uncertain);
}

#[test]
fn insufficient_data_counts_only_reports_in_the_window() {
    // m = 3. Four reports, but one is at window_start (excluded: the window is open there)
    // and one after as_of: n = 2, insufficient data, no estimate, streak 0 + 1 = 1.
    let start = day(-10);
    let b = BetEvidence {
        prev_grant: 1_000,
        observations: vec![
            Observation {
                at: start,
                value: 500.0,
            },
            Observation {
                at: day(-5),
                value: 500.0,
            },
            Observation {
                at: as_of(),
                value: 500.0,
            },
            Observation {
                at: day(1),
                value: 500.0,
            },
        ],
        ..bet(1)
    };
    let mut input = round(1_000, uncapped(), vec![b]);
    input.window_start = Some(start);
    let out = run(&input);
    let r = result(&out, 1);
    assert_eq!(r.n, 2);
    assert_eq!(r.outcome, Outcome::InsufficientData);
    assert_eq!(
        (r.level, r.se, r.nu, r.p_beat, r.progress),
        (None, None, None, None, None)
    );
    assert_eq!(r.streak, 1);
    assert_eq!(r.fitness, 0.0);
    assert!(has_reason(
        r,
        "insufficient data: 2 reports in the window, 3 needed (miss 1 of 2)"
    ));
}

#[test]
fn lower_is_better_metrics_beat_by_going_down() {
    // Baseline 100, threshold 50, lower is better. Bet 1 reads 40: z = -(40 - 50) = 10 > 0,
    // beat, q = (40 - 100) / (50 - 100) = 1.2. Bet 2 reads 80: z = -30, miss,
    // q = (80 - 100) / (50 - 100) = 0.4. g = 1,000 each: w = 1,200 and 400, W = 1,600.
    // Budget 1,000: targets 1,000 * 1,200 / 1,600 = 750 and 250.
    let lower = |id, level| BetEvidence {
        direction: Direction::LowerIsBetter,
        baseline: 100.0,
        threshold: 50.0,
        ..flat(id, 1_000, level)
    };
    let out = run(&round(
        1_000,
        uncapped(),
        vec![lower(1, 40.0), lower(2, 80.0)],
    ));
    assert_eq!(result(&out, 1).outcome, Outcome::Beat);
    assert!(close(result(&out, 1).progress.unwrap(), 1.2));
    assert_eq!(result(&out, 2).outcome, Outcome::Miss);
    assert!(close(result(&out, 2).progress.unwrap(), 0.4));
    assert_eq!(grants(&out), vec![750, 250]);
}

#[test]
fn uncertain_keeps_the_streak() {
    // Reports 0, 1, 2 at one instant: L = 1 = T, z = 0, P = 0.5: uncertain. The streak of 1
    // neither grows (not a miss) nor resets (not a beat).
    let at = day(-1);
    let b = BetEvidence {
        baseline: -10.0,
        threshold: 1.0,
        prev_grant: 1_000,
        prev_streak: 1,
        observations: [0.0, 1.0, 2.0]
            .iter()
            .map(|&value| Observation { at, value })
            .collect(),
        ..bet(1)
    };
    let out = run(&round(1_000, uncapped(), vec![b]));
    let r = result(&out, 1);
    assert_eq!(r.outcome, Outcome::Uncertain);
    assert_eq!(r.streak, 1);
    assert!(has_reason(r, "streak stays at 1 of 2"));
}

#[test]
fn new_bets_keep_streak_zero() {
    // A new bet that misses (reads 50 < 100) with a (stale) previous streak of 5: streak 0,
    // so it is alive and seeded. Alone with budget 1,000 it takes everything.
    let b = BetEvidence {
        is_new: true,
        prev_streak: 5,
        ..flat(1, 0, 50.0)
    };
    let out = run(&round(1_000, uncapped(), vec![b]));
    let r = result(&out, 1);
    assert_eq!(r.outcome, Outcome::Miss);
    assert_eq!(r.streak, 0);
    assert_eq!(r.decision, Decision::Seed);
    assert_eq!(r.grant, 1_000);
    assert!(has_reason(r, "new bet: streak starts next round"));
}
