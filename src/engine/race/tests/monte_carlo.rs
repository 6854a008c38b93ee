//! The quadrature against an independent Monte Carlo estimate on four fixed races: each
//! racer's true value is drawn as forecast + se * T_nu, with T = Z / sqrt(chi2_nu / nu), Z and
//! the chi2's nu squared terms standard normals from Box-Muller on a xorshift64* generator
//! (test-only, fixed seeds: the test always draws the same numbers). 10^6 draws per race, in
//! two threads. Every P(best) must agree within 4 * sqrt(p (1 - p) / 10^6) + 1e-3; the
//! expected loss, where it is bounded and every racer has nu >= 3 (so that max - X_i has a
//! finite variance and the Monte Carlo mean a standard error), within 4 of its standard errors
//! + 1e-6.

use super::*;

const DRAWS: u32 = 1_000_000;

/// xorshift64* with Box-Muller normals.
struct Rng {
    state: u64,
    spare: Option<f64>,
}

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng {
            state: seed,
            spare: None,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform on (0, 1): 53 random bits, offset by half a step so that 0 never comes out.
    #[expect(
        clippy::cast_precision_loss,
        reason = "53 random bits fit an f64 exactly"
    )]
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1_u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let radius = (-2.0 * self.unit().ln()).sqrt();
        let angle = std::f64::consts::TAU * self.unit();
        self.spare = Some(radius * angle.sin());
        radius * angle.cos()
    }

    fn student(&mut self, nu: u32) -> f64 {
        let z = self.normal();
        let chi2: f64 = (0..nu).map(|_| self.normal().powi(2)).sum();
        z / (chi2 / f64::from(nu)).sqrt()
    }
}

/// Wins and the sums of (max - X_i) and its square, per racer.
#[derive(Clone)]
struct Tally {
    wins: Vec<f64>,
    loss: Vec<f64>,
    loss2: Vec<f64>,
}

fn draw(dists: &[(f64, f64, u32)], seed: u64, draws: u32) -> Tally {
    let n = dists.len();
    let mut rng = Rng::new(seed);
    let mut tally = Tally {
        wins: vec![0.0; n],
        loss: vec![0.0; n],
        loss2: vec![0.0; n],
    };
    let mut x = vec![0.0; n];
    for _ in 0..draws {
        for (xi, &(m, s, nu)) in x.iter_mut().zip(dists) {
            *xi = if s > 0.0 { m + s * rng.student(nu) } else { m };
        }
        let (best, top) =
            x.iter()
                .copied()
                .enumerate()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |b, (i, v)| if v > b.1 { (i, v) } else { b },
                );
        tally.wins[best] += 1.0;
        for (i, &xi) in x.iter().enumerate() {
            tally.loss[i] += top - xi;
            tally.loss2[i] += (top - xi) * (top - xi);
        }
    }
    tally
}

/// Runs the race, draws 10^6 samples of the compared racers' values at the finish and checks
/// the agreement. Returns the standings for the caller's own checks.
fn agrees(input: &RaceInput, seed: u64) -> RaceStandings {
    let out = run(input);
    let sign = match input.measure {
        RaceMeasure::Metric { direction } => direction.sign(),
        RaceMeasure::Progress => 1.0,
    };
    let compared: Vec<&RacerStanding> = out.racers.iter().filter(|r| r.p_best.is_some()).collect();
    let dists: Vec<(f64, f64, u32)> = compared
        .iter()
        .map(|r| (sign * r.forecast.unwrap(), r.se.unwrap(), r.nu.unwrap()))
        .collect();
    let half = DRAWS / 2;
    let (a, b) = std::thread::scope(|scope| {
        let first = scope.spawn(|| draw(&dists, seed, half));
        let second = draw(&dists, seed ^ 0x9E37_79B9_7F4A_7C15, DRAWS - half);
        (first.join().unwrap(), second)
    });
    let total = f64::from(DRAWS);
    let light_tails = dists.iter().all(|&(_, s, nu)| s == 0.0 || nu >= 3);
    for (i, r) in compared.iter().enumerate() {
        let p = r.p_best.unwrap();
        let mc = (a.wins[i] + b.wins[i]) / total;
        let tolerance = 4.0 * (p * (1.0 - p) / total).sqrt() + 1e-3;
        assert!(
            (p - mc).abs() <= tolerance,
            "bet {}: P(best) {p} vs Monte Carlo {mc} (tolerance {tolerance})",
            r.bet_id
        );
        if let (Some(el), true) = (r.expected_loss, light_tails) {
            let mean = (a.loss[i] + b.loss[i]) / total;
            let var = (a.loss2[i] + b.loss2[i]) / total - mean * mean;
            let tolerance = 4.0 * (var.max(0.0) / total).sqrt() + 1e-6;
            assert!(
                (el - mean).abs() <= tolerance,
                "bet {}: expected loss {el} vs Monte Carlo {mean} (tolerance {tolerance})",
                r.bet_id
            );
        }
    }
    out
}

/// `n` reports on consecutive days up to `before` days before the finish: a line through
/// `level` at the last report, with a fixed wiggle of amplitude `noise`.
fn line(bet_id: i64, n: i64, level: f64, slope: f64, noise: f64, before: i64) -> RacerEvidence {
    let observations = (0..n)
        .map(|k| {
            let x = f64::from(i32::try_from(k - n + 1).unwrap());
            let wiggle = (1.7 * f64::from(i32::try_from(k).unwrap()) + 0.3).sin();
            Observation {
                at: day(k - n + 1 - before),
                value: level + slope * x + noise * wiggle,
            }
        })
        .collect();
    RacerEvidence {
        observations,
        ..racer(bet_id)
    }
}

#[test]
fn monte_carlo_agrees_on_four_races() {
    // Two racers close together (nu = 5 and 8).
    let close = race(vec![
        line(1, 7, 10.0, 0.1, 1.0, 0),
        line(2, 10, 10.2, 0.0, 1.5, 2),
    ]);
    let out = agrees(&close, 11);
    let p1 = standing(&out, 1).p_best.unwrap();
    assert!(p1 > 0.2 && p1 < 0.8, "a close race: {p1}");

    // Four racers: one Cauchy (3 reports, nu = 1: the loss is unbounded), one with an se a
    // thousand times another's, forecasts reaching 5 days past the last report.
    let mixed = race(vec![
        line(1, 3, 0.0, 0.2, 1.0, 5),
        line(2, 5, 1.0, 0.0, 0.001, 0),
        line(3, 6, 0.5, 0.0, 1.0, 0),
        line(4, 8, -1.0, 0.1, 1.0, 3),
    ]);
    let out = agrees(&mixed, 12);
    assert!(out.loss_unbounded);
    let (se2, se3) = (standing(&out, 2).se.unwrap(), standing(&out, 3).se.unwrap());
    assert!(se3 / se2 > 500.0, "se ratio {}", se3 / se2);

    // Six racers, one an exact line (a point mass at 2), the others nu = 3 to 6.
    let six = race(vec![
        RacerEvidence {
            observations: reports(&[0.0, 1.0, 2.0]),
            ..racer(1)
        },
        line(2, 5, 1.5, 0.0, 1.0, 0),
        line(3, 6, 2.2, 0.05, 0.8, 1),
        line(4, 7, 1.0, 0.2, 1.2, 0),
        line(5, 5, 2.5, -0.1, 2.0, 0),
        line(6, 8, 0.0, 0.3, 0.5, 2),
    ]);
    let out = agrees(&six, 13);
    assert_eq!(standing(&out, 1).se, Some(0.0));

    // Progress toward different thresholds (racer 2 lower is better), nu = 4, 5 and 6.
    let progress = RaceInput {
        measure: RaceMeasure::Progress,
        ..race(vec![
            RacerEvidence {
                baseline: 0.0,
                threshold: 10.0,
                ..line(1, 6, 8.0, 0.1, 1.0, 0)
            },
            RacerEvidence {
                direction: Direction::LowerIsBetter,
                baseline: 100.0,
                threshold: 50.0,
                ..line(2, 7, 62.0, -0.5, 3.0, 0)
            },
            RacerEvidence {
                baseline: 1.0,
                threshold: 2.0,
                ..line(3, 8, 1.75, 0.0, 0.2, 1)
            },
        ])
    };
    agrees(&progress, 14);
}
