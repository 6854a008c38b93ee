//! P(best), expected loss, leader, call and gap on races small enough to check by hand. Each
//! test's comment carries the calculation; the tolerances say how exact the quadrature is
//! there (to rounding where the grid makes it exact, else its stated accuracy).

use statrs::distribution::{Continuous, ContinuousCDF, StudentsT};

use super::*;

/// E[(T - z)^+] and E[T; T <= z] pieces for the standard t_nu, by the closed forms
/// g(z) = (nu + z^2) / (nu - 1) * f(z) (the integral of t f(t) from z to infinity) and F(z).
fn t_pieces(nu: u32, z: f64) -> (f64, f64) {
    let t = StudentsT::new(0.0, 1.0, f64::from(nu)).unwrap();
    let nu = f64::from(nu);
    ((nu + z * z) / (nu - 1.0) * t.pdf(z), t.cdf(z))
}

#[test]
fn two_identical_racers_share_evenly() {
    // Same m, s and nu: by symmetry P = 1/2 each, whatever the grid; and EL is the same for
    // both. With nu large the t is the normal, where E[max(X1, X2)] - m = s / sqrt(pi).
    let c = compared(&[t(5.0, 2.0, 7), t(5.0, 2.0, 7)]);
    assert!((c.p_best[0] - 0.5).abs() <= 1e-12, "{:?}", c.p_best);
    assert!((c.p_best[1] - 0.5).abs() <= 1e-12);
    let el = c.expected_loss.unwrap();
    assert!((el[0] - el[1]).abs() <= 1e-12);

    let c = compared(&[t(5.0, 2.0, 1_000_000), t(5.0, 2.0, 1_000_000)]);
    let el = c.expected_loss.unwrap();
    let normal = 2.0 / std::f64::consts::PI.sqrt();
    assert!((el[0] - normal).abs() <= 1e-4, "{el:?} vs {normal}");
}

#[test]
fn two_point_masses() {
    // Distinct: the higher is surely best; its loss is 0, the other's is the difference.
    let c = compared(&[mass(3.0), mass(1.0)]);
    assert_eq!(c.p_best, vec![1.0, 0.0]);
    assert_eq!(c.expected_loss, Some(vec![0.0, 2.0]));
    assert_eq!(c.gap, vec![0.0, 2.0]);
    // Equal: they share the jump cell, where each one's part is the integral of tau: 1/2.
    // The two products are the same numbers, so the shares are equal bit for bit.
    let c = compared(&[mass(2.0), mass(2.0)]);
    assert_eq!(c.p_best[0], c.p_best[1]);
    assert!((c.p_best[0] - 0.5).abs() <= 1e-15, "{:?}", c.p_best);
    assert_eq!(c.expected_loss, Some(vec![0.0, 0.0]));
    // Three equal and one below: 1/3 each for the three, 0 for the fourth.
    let c = compared(&[mass(2.0), mass(2.0), mass(-1.0), mass(2.0)]);
    for i in [0, 1, 3] {
        assert_eq!(c.p_best[i], c.p_best[0]);
        assert!((c.p_best[i] - 1.0 / 3.0).abs() <= 1e-15);
    }
    assert_eq!(c.p_best[2], 0.0);
}

#[test]
fn a_point_mass_above_a_spread_racer() {
    // X ~ t_5 (m = 0, s = 1) and a point mass at p = 1.3 (z = 1.3). The mass is best exactly
    // when X < p: P = F_5(1.3), and the grid has p as a point, so this is statrs's CDF there
    // times a Gauss rule's weights (summing to 1): equal to rounding.
    // Losses (exact here too: above p only X moves, valued at its exact conditional mean):
    // EL_mass = E[(X - p)^+] = g(z) - z (1 - F(z)); EL_X = E[max] - E[X] = F(z) (p - m) + g(z).
    let p = 1.3;
    let c = compared(&[mass(p), t(0.0, 1.0, 5)]);
    let (g, f) = t_pieces(5, p);
    assert!((c.p_best[0] - f).abs() <= 1e-12, "{} vs {f}", c.p_best[0]);
    assert!((c.p_best[1] - (1.0 - f)).abs() <= 1e-12);
    let el = c.expected_loss.unwrap();
    assert!((el[0] - (g - p * (1.0 - f))).abs() <= 1e-12, "{el:?}");
    assert!((el[1] - (f * p + g)).abs() <= 1e-12, "{el:?}");
    // Scaled and shifted, and with the mass below the centre: P = F_3((p - m) / s).
    let c = compared(&[t(100.0, 20.0, 3), mass(90.0)]);
    let f = t_pieces(3, -0.5).1;
    assert!((c.p_best[1] - f).abs() <= 1e-12, "{} vs {f}", c.p_best[1]);
}

#[test]
fn one_degree_of_freedom_makes_the_loss_unbounded() {
    // A Cauchy racer has no mean: neither has max_j X_j, so no racer has an expected loss.
    // P(best) still exists. Here a Cauchy at 0 against a point mass at 0: 1/2 each, exactly
    // F_1(0) = 1/2.
    let c = compared(&[t(0.0, 1.0, 1), mass(0.0)]);
    assert_eq!(c.expected_loss, None);
    assert!((c.p_best[1] - 0.5).abs() <= 1e-12);
    // Through the race: three reports on three days give nu = 1.
    let input = race(vec![
        with_reports(1, &[10.0, 21.0, 29.0]),
        with_reports(2, &[20.0, 20.5, 21.0, 22.0, 21.5]),
    ]);
    let out = run(&input);
    assert_eq!(standing(&out, 1).nu, Some(1));
    assert!(out.loss_unbounded);
    assert!(out.racers.iter().all(|r| r.expected_loss.is_none()));
    assert!(out.racers.iter().all(|r| r.p_best.is_some()));
}

#[test]
fn racers_with_too_few_reports_are_left_out_of_the_comparison() {
    // Racer 2 has 2 reports (3 needed): no forecast, no P(best); 1 and 3 are compared among
    // themselves. 1 reads exactly 10 (a point mass at 10), 3 exactly 20: P = 0 and 1.
    let input = race(vec![
        with_reports(1, &[10.0, 10.0, 10.0]),
        with_reports(2, &[50.0, 60.0]),
        with_reports(3, &[20.0, 20.0, 20.0]),
    ]);
    let out = run(&input);
    assert_eq!(out.compared, 2);
    let two = standing(&out, 2);
    assert_eq!(two.n, 2);
    assert_eq!(
        (
            two.forecast,
            two.se,
            two.p_best,
            two.expected_loss,
            two.gap_to_leader
        ),
        (None, None, None, None, None)
    );
    assert!(two.fit.is_none());
    assert_eq!(standing(&out, 1).p_best, Some(0.0));
    assert_eq!(standing(&out, 3).p_best, Some(1.0));
    assert_eq!(standing(&out, 1).expected_loss, Some(10.0));
    assert_eq!(standing(&out, 1).gap_to_leader, Some(10.0));
    assert_eq!(out.leader, Some(3));
    assert_eq!(out.call, RaceCall::Winner { bet_id: 3 });
}

#[test]
fn fewer_than_two_forecasts_is_not_enough_data() {
    // Only racer 1 has enough reports: it gets a forecast but nothing is compared.
    let input = race(vec![
        with_reports(1, &[10.0, 12.0, 11.0]),
        with_reports(2, &[50.0, 60.0]),
    ]);
    let out = run(&input);
    assert_eq!(out.compared, 1);
    assert_eq!(out.call, RaceCall::NotEnoughData);
    assert_eq!(out.leader, None);
    assert!(!out.loss_unbounded);
    let one = standing(&out, 1);
    assert!(one.forecast.is_some() && one.se.is_some() && one.fit.is_some());
    assert_eq!(
        (one.p_best, one.expected_loss, one.gap_to_leader),
        (None, None, None)
    );
    // Nobody with enough reports.
    let out = run(&race(vec![with_reports(1, &[1.0]), racer(2)]));
    assert_eq!((out.compared, out.call), (0, RaceCall::NotEnoughData));
}

#[test]
fn the_call_follows_the_leaders_p_best() {
    // Identical evidence: P = 1/2 each, below c = 0.8: too close to call; the leader is the
    // lower bet id (P tied, forecasts equal).
    let noisy = [10.0, 12.0, 11.0, 13.0];
    let out = run(&race(vec![
        with_reports(7, &noisy),
        with_reports(4, &noisy),
    ]));
    assert_eq!(out.leader, Some(4));
    assert_eq!(out.call, RaceCall::TooCloseToCall);
    assert_eq!(standing(&out, 4).gap_to_leader, Some(0.0));
    assert_eq!(standing(&out, 7).gap_to_leader, Some(0.0));
    // Far apart: racer 7 reads 100 more. Each has se = sqrt(0.9 * 0.7) = 0.79 and nu = 2,
    // whose tails are heavy (P(T > z) ~ 1 / (2 z^2)): racer 4 is best with P ~ 1e-4, and
    // racer 7 is the winner.
    let far: Vec<f64> = noisy.iter().map(|v| v + 100.0).collect();
    let out = run(&race(vec![with_reports(7, &far), with_reports(4, &noisy)]));
    assert_eq!(out.call, RaceCall::Winner { bet_id: 7 });
    assert!(standing(&out, 7).p_best.unwrap() >= 0.999);
    assert!((standing(&out, 4).gap_to_leader.unwrap() - 100.0).abs() <= 1e-9);
}

#[test]
fn the_leader_can_have_a_worse_forecast() {
    // Two narrow racers at 1.0 (point masses) and a wide one at 0.95 (s = 1, nu = 30). The
    // wide one is best when X > 1: P = 1 - F_30(0.05) = 0.48; the two masses share the rest,
    // 0.26 each. It leads with a forecast 0.05 below theirs: their gaps are -0.05.
    let c = compared(&[mass(1.0), t(0.95, 1.0, 30), mass(1.0)]);
    let f = t_pieces(30, 0.05).1;
    assert!((c.p_best[1] - (1.0 - f)).abs() <= 1e-12);
    assert!((c.p_best[0] - f / 2.0).abs() <= 1e-12);
    assert_eq!(c.leader, 1);
    assert!((c.gap[0] + 0.05).abs() <= 1e-12 && (c.gap[2] + 0.05).abs() <= 1e-12);
    assert_eq!(c.gap[1], 0.0);
}

#[test]
fn very_different_scales_and_heavy_tails() {
    // A Cauchy with s = 1000 centred on a narrow racer (s = 1, nu = 30): by symmetry the
    // narrow one wins half the time; the grid puts its points inside one of the Cauchy's
    // cells, where the Cauchy's CDF is nearly linear. Error budget 1e-4 (the grid's accuracy).
    let c = compared(&[t(0.0, 1000.0, 1), t(0.0, 1.0, 30)]);
    assert!((c.p_best[1] - 0.5).abs() <= 1e-4, "{:?}", c.p_best);
    // Shift the narrow racer by 1000 (one Cauchy scale): P(narrow best) = P(C < 1000 + X_n),
    // about F_1(1) = 3/4 (the narrow spread changes it by less than 1e-6).
    let c = compared(&[t(0.0, 1000.0, 1), t(1000.0, 1.0, 30)]);
    assert!((c.p_best[1] - 0.75).abs() <= 1e-4, "{:?}", c.p_best);
}

#[test]
fn the_quadrature_matches_a_fine_integral_for_two_racers() {
    // For two racers P(X2 > X1) = E[F1(X2)] = the integral over u in (0, 1) of F1(Q2(u)),
    // here by the midpoint rule on 20,000 points (an independent reference, accurate to about
    // 1e-8). The grid's error stays within 2e-4 (1.1e-4 at most here), including heavy tails
    // and a 1000:1 ratio of scales; the expected loss, where it exists, within 2e-5 of the
    // larger scale (1.1e-5 at most here).
    let cases = [
        (t(0.0, 1.0, 5), t(0.3, 1.2, 8)),
        (t(0.0, 1.0, 3), t(4.0, 1.0, 3)),
        (t(0.0, 1.0, 1_998), t(0.5, 1.0, 1_998)),
        (t(0.0, 1000.0, 1), t(1000.0, 1.0, 30)),
        (t(0.0, 1.0, 1), t(0.5, 0.001, 30)),
        (t(2.0, 3.0, 2), t(0.0, 0.5, 4)),
    ];
    let points = 20_000_u32;
    for (one, two) in cases {
        let f1 = StudentsT::new(0.0, 1.0, f64::from(one.nu)).unwrap();
        let q2 = StudentsT::new(0.0, 1.0, f64::from(two.nu)).unwrap();
        let reference: f64 = (0..points)
            .map(|k| {
                let u = (f64::from(k) + 0.5) / f64::from(points);
                f1.cdf((two.m + two.s * q2.inverse_cdf(u) - one.m) / one.s)
            })
            .sum::<f64>()
            / f64::from(points);
        let c = compared(&[one, two]);
        assert!(
            (c.p_best[1] - reference).abs() <= 2e-4,
            "{one:?} {two:?}: {} vs {reference}",
            c.p_best[1]
        );
        if one.nu == 1 || two.nu == 1 {
            continue;
        }
        // EL_1 = E[max - X1] = the integral over x of F1 (1 - F2), and EL_2 likewise, by the
        // trapezoidal rule in w with x = centre + scale * sinh(w), w in [-40, 40] (the tails
        // then decay like exp(-(nu - 1) |w|): what is cut off is below 1e-15).
        let f2 = StudentsT::new(0.0, 1.0, f64::from(two.nu)).unwrap();
        let (centre, scale) = (0.5 * (one.m + two.m), one.s.max(two.s));
        let steps = 40_000_u32;
        let dw = 80.0 / f64::from(steps);
        let (mut loss1, mut loss2) = (0.0, 0.0);
        for k in 0..=steps {
            let w = -40.0 + dw * f64::from(k);
            let x = centre + scale * w.sinh();
            let weight = if k == 0 || k == steps { 0.5 } else { 1.0 } * dw * scale * w.cosh();
            let a = f1.cdf((x - one.m) / one.s);
            let b = f2.cdf((x - two.m) / two.s);
            loss1 += weight * a * (1.0 - b);
            loss2 += weight * b * (1.0 - a);
        }
        let el = c.expected_loss.unwrap();
        assert!((el[0] - loss1).abs() <= 2e-5 * scale, "{el:?} vs {loss1}");
        assert!((el[1] - loss2).abs() <= 2e-5 * scale, "{el:?} vs {loss2}");
    }
}

#[test]
fn a_racer_narrower_than_the_floats_around_its_level() {
    // s = 1e-9 at 1e10, where one ulp is 2e-6: its 54 points collapse onto a few floats. The
    // sweep still works (its CDF rises over the cells around 1e10), the sum is still 1, and
    // two such identical racers and a point mass at the same level share about evenly.
    let c = compared(&[t(1e10, 1e-9, 30), t(1e10, 1e-9, 30), mass(1e10)]);
    assert!((c.p_best[0] - c.p_best[1]).abs() <= 1e-12);
    assert!(
        c.expected_loss
            .unwrap()
            .iter()
            .all(|e| e.is_finite() && *e >= 0.0)
    );
}
