//! A racer's forecast at the finish: the round's step 1 read at the finish, its trend at any
//! instant (`RacerFit::at`), the progress measure and the orientation of lower-is-better
//! metrics.

use super::*;
use crate::engine::{BetEvidence, Policy, RoundInput, evaluate};

#[test]
fn the_forecast_is_the_rounds_level_at_the_same_instant() {
    // The same reports, window and instant give the round's L, se and nu, bit for bit.
    let values = [10.0, 21.0, 29.0, 33.5, 31.0, 40.25];
    let input = race(vec![
        with_reports(1, &values),
        with_reports(2, &[1.0, 2.0, 4.0]),
    ]);
    let out = run(&input);
    let bet = BetEvidence {
        id: 1,
        direction: Direction::HigherIsBetter,
        baseline: 0.0,
        threshold: 100.0,
        prev_grant: 0,
        prev_streak: 0,
        is_new: false,
        seed_request: None,
        observations: reports(&values),
    };
    let round = evaluate(&RoundInput {
        budget: 0,
        as_of: finish(),
        window_start: Some(day(-30)),
        policy: Policy::default(),
        earlier_window_starts: Vec::new(),
        bets: vec![bet],
        pins: Vec::new(),
        money_decimals: 0,
    })
    .unwrap();
    let (r, s) = (&round.results[0], standing(&out, 1));
    assert_eq!(s.forecast.map(f64::to_bits), r.level.map(f64::to_bits));
    assert_eq!(s.se.map(f64::to_bits), r.se.map(f64::to_bits));
    assert_eq!(s.nu, r.nu);
    assert_eq!(s.fit.as_ref().map(|f| f.slope), r.slope);
    let fit = s.fit.as_ref().unwrap();
    let (value, se) = fit.at(finish());
    assert_eq!(
        (value.to_bits(), se.to_bits()),
        (s.forecast.unwrap().to_bits(), s.se.unwrap().to_bits())
    );
}

#[test]
fn before_the_finish_the_forecast_is_extrapolated_and_its_se_grows() {
    // Reports 10, 21, 29 on days -4, -3, -2, finish at day 0: x_bar = -3, Sxx = 2, slope 9.5,
    // L = 20 + 9.5 * 3 = 48.5; residuals -0.5, 1, -0.5, s2 = 1.5, nu = 1;
    // se = sqrt(1.5 * (1/3 + 9/2)) = sqrt(7.25). At day -3 (x = x_bar): value 20,
    // se = sqrt(1.5 / 3) = sqrt(0.5); at day 2: 48.5 + 19 = 67.5, se = sqrt(1.5 (1/3 + 25/2)).
    let obs = [(-4, 10.0), (-3, 21.0), (-2, 29.0)]
        .iter()
        .map(|&(d, value)| Observation { at: day(d), value })
        .collect();
    let input = race(vec![
        RacerEvidence {
            observations: obs,
            ..racer(1)
        },
        with_reports(2, &[1.0, 2.0, 4.0]),
    ]);
    let out = run(&input);
    let s = standing(&out, 1);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    assert!(close(s.forecast.unwrap(), 48.5));
    assert!(close(s.se.unwrap(), 7.25_f64.sqrt()));
    assert_eq!(s.nu, Some(1));
    let fit = s.fit.as_ref().unwrap();
    assert_eq!((fit.n, fit.nu), (3, 1));
    assert!(close(fit.x_bar, -3.0) && close(fit.sxx, 2.0) && close(fit.s2, 1.5));
    let (v, se) = fit.at(day(-3));
    assert!(close(v, 20.0) && close(se, 0.5_f64.sqrt()), "{v} {se}");
    let (v, se) = fit.at(day(2));
    assert!(close(v, 67.5) && close(se, (1.5_f64 * (1.0 / 3.0 + 12.5)).sqrt()));
}

#[test]
fn only_reports_in_the_window_count() {
    // A report at the start (excluded: the window is open there) and one after the finish are
    // ignored: three remain, all reading 5, a point mass.
    let obs: Vec<Observation> = [(-30, 100.0), (-3, 5.0), (-2, 5.0), (0, 5.0), (1, 100.0)]
        .iter()
        .map(|&(d, value)| Observation { at: day(d), value })
        .collect();
    let input = race(vec![
        RacerEvidence {
            observations: obs,
            ..racer(1)
        },
        with_reports(2, &[1.0, 1.0, 1.0]),
    ]);
    let out = run(&input);
    let s = standing(&out, 1);
    assert_eq!((s.n, s.forecast, s.se), (3, Some(5.0), Some(0.0)));
}

#[test]
fn reports_at_one_instant_keep_their_mean_and_se_at_every_instant() {
    // 1, 2, 3 at day -1: L = 2, nu = 2, s2 = 1, se = sqrt(1/3), slope 0, whatever the instant.
    let at = day(-1);
    let obs = [1.0, 2.0, 3.0]
        .iter()
        .map(|&value| Observation { at, value })
        .collect();
    let input = race(vec![
        RacerEvidence {
            observations: obs,
            ..racer(1)
        },
        with_reports(2, &[1.0, 1.0, 1.0]),
    ]);
    let out = run(&input);
    let fit = standing(&out, 1).fit.clone().unwrap();
    assert_eq!((fit.nu, fit.sxx, fit.slope), (2, 0.0, 0.0));
    for d in [-20, -1, 0, 5] {
        let (v, se) = fit.at(day(d));
        assert!((v - 2.0).abs() <= 1e-12 && (se - (1.0_f64 / 3.0).sqrt()).abs() <= 1e-12);
    }
}

#[test]
fn progress_is_measured_toward_each_racers_own_threshold() {
    // Racer 1: reads 30 exactly, b = 10, T = 60: q = 20 / 50 = 0.4. Racer 2, lower is better:
    // reads 70 exactly, b = 100, T = 50: q = -30 / -50 = 0.6. Both point masses: racer 2 is
    // best (higher q), its gap 0, racer 1's gap 0.2 and loss 0.2. The fit's scale maps the
    // metric to q: at the finish it gives q, and se / |T - b|.
    let one = RacerEvidence {
        baseline: 10.0,
        threshold: 60.0,
        ..with_reports(1, &[30.0, 30.0, 30.0])
    };
    let two = RacerEvidence {
        direction: Direction::LowerIsBetter,
        baseline: 100.0,
        threshold: 50.0,
        ..with_reports(2, &[70.0, 70.0, 70.0])
    };
    let input = RaceInput {
        measure: RaceMeasure::Progress,
        ..race(vec![one, two])
    };
    let out = run(&input);
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() <= 1e-12;
    assert!(close(standing(&out, 1).forecast, 0.4));
    assert!(close(standing(&out, 2).forecast, 0.6));
    assert_eq!(out.leader, Some(2));
    assert!(close(standing(&out, 1).gap_to_leader, 0.2));
    assert!(close(standing(&out, 1).expected_loss, 0.2));
    let fit = standing(&out, 2).fit.clone().unwrap();
    assert_eq!((fit.offset, fit.scale, fit.level), (100.0, -50.0, 70.0));

    // A noisy progress racer: se_q = se / |T - b|.
    let noisy = RacerEvidence {
        baseline: 10.0,
        threshold: 60.0,
        ..with_reports(3, &[10.0, 12.0, 11.0, 13.0])
    };
    let metric = run(&race(vec![
        noisy.clone(),
        with_reports(4, &[1.0, 1.0, 1.0]),
    ]));
    let progress = run(&RaceInput {
        measure: RaceMeasure::Progress,
        ..race(vec![noisy, with_reports(4, &[1.0, 1.0, 1.0])])
    });
    let (m, p) = (standing(&metric, 3), standing(&progress, 3));
    assert_eq!(p.se.unwrap(), m.se.unwrap() / 50.0);
    assert_eq!(p.forecast.unwrap(), (m.forecast.unwrap() - 10.0) / 50.0);
}

#[test]
fn lower_is_better_metrics_are_reported_in_their_own_orientation() {
    // Lower is better: racer 1 reads 40, racer 2 reads 50 (exactly). Racer 1 is best; the
    // forecasts stay 40 and 50; racer 2 must improve by 10 (go down by 10) to equal it.
    let lower = |id, v| RacerEvidence {
        direction: Direction::LowerIsBetter,
        ..with_reports(id, &[v, v, v])
    };
    let input = RaceInput {
        measure: RaceMeasure::Metric {
            direction: Direction::LowerIsBetter,
        },
        ..race(vec![lower(1, 40.0), lower(2, 50.0)])
    };
    let out = run(&input);
    assert_eq!(standing(&out, 1).forecast, Some(40.0));
    assert_eq!(standing(&out, 2).forecast, Some(50.0));
    assert_eq!(out.call, RaceCall::Winner { bet_id: 1 });
    assert_eq!(standing(&out, 2).gap_to_leader, Some(10.0));
    assert_eq!(standing(&out, 2).expected_loss, Some(10.0));
    assert_eq!(standing(&out, 1).expected_loss, Some(0.0));
}
