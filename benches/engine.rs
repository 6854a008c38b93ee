//! The engine at scale (docs/engine.md, "Properties the tests hold": scale): a round of 10,000
//! bets with 1,000,000 reports in total, and a race of 50 racers with 2,000 reports each
//! (docs/engine.md, "Races: standings, P(best) and expected loss").
//! Run with `cargo bench --bench engine`; the figures to watch are the medians of
//! `evaluate_10k_bets_1m_reports` and `race_50_racers_100k_reports` (target: under 50 ms).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first surprise"
)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use divan::{Bencher, black_box};
use horserace::engine::{
    BetEvidence, Direction, Observation, Pin, Policy, RaceInput, RaceMeasure, RacerEvidence,
    RoundInput, evaluate, standings,
};

const BETS: usize = 10_000;
const REPORTS: usize = 1_000_000;

fn main() {
    divan::main();
}

/// xorshift64*: deterministic, so every run measures the same portfolio.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "53 random bits fit an f64 exactly"
    )]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// `below` for a count (the same draw).
    fn below_usize(&mut self, n: usize) -> usize {
        usize::try_from(self.below(u64::try_from(n).unwrap())).unwrap()
    }
    /// `below` for an amount or a number of seconds (the same draw).
    fn below_i64(&mut self, n: u64) -> i64 {
        i64::try_from(self.below(n)).unwrap()
    }
}

fn as_of() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).unwrap()
}

/// 10,000 bets, 10% new; report counts vary in pairs (100 + k, 100 - k) so they total exactly
/// 1,000,000. Reports fall in the last 90 days of a 120-day window, in time order when
/// `sorted` (as the database returns them) or shuffled otherwise.
fn portfolio(sorted: bool) -> RoundInput {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let per_bet = REPORTS / BETS;
    let mut bets = Vec::with_capacity(BETS);
    let mut spread = 0;
    for i in 0..BETS {
        let count = if i % 2 == 0 {
            spread = rng.below_usize(per_bet);
            per_bet + spread
        } else {
            per_bet - spread
        };
        let direction = if rng.below(2) == 0 {
            Direction::HigherIsBetter
        } else {
            Direction::LowerIsBetter
        };
        let d = if direction == Direction::HigherIsBetter {
            1.0
        } else {
            -1.0
        };
        let baseline = 1_000.0 * rng.unit();
        let gap = 1.0 + 100.0 * rng.unit();
        let level = baseline + d * gap * (3.0 * rng.unit() - 0.5);
        let slope = d * gap * (rng.unit() - 0.5) / 90.0;
        let mut seconds: Vec<i64> = (0..count).map(|_| -rng.below_i64(90 * 86_400)).collect();
        if sorted {
            seconds.sort_unstable();
        }
        let observations = seconds
            .into_iter()
            .map(|s| Observation {
                at: as_of() + Duration::seconds(s),
                value: level
                    + slope * (f64::from(i32::try_from(s).unwrap()) / 86_400.0)
                    + gap * 0.3 * (rng.unit() - 0.5),
            })
            .collect();
        let is_new = rng.below(10) == 0;
        bets.push(BetEvidence {
            id: i64::try_from(i + 1).unwrap(),
            direction,
            baseline,
            threshold: baseline + d * gap,
            prev_grant: if is_new {
                0
            } else {
                10_000 + rng.below_i64(1_000_000)
            },
            prev_streak: u32::try_from(rng.below(2)).unwrap(),
            is_new,
            seed_request: (rng.below(4) == 0).then(|| rng.below_i64(500_000)),
            observations,
        });
    }
    RoundInput {
        budget: 5_000_000_000,
        as_of: as_of(),
        window_start: Some(as_of() - Duration::days(120)),
        policy: Policy::default(),
        earlier_window_starts: Vec::new(),
        bets,
        pins: vec![
            Pin {
                bet_id: 7,
                grant: Some(2_000_000),
                waive_kill: false,
                reason: "flagship".to_owned(),
            },
            Pin {
                bet_id: 42,
                grant: None,
                waive_kill: true,
                reason: "new pricing".to_owned(),
            },
        ],
        money_decimals: 2,
    }
}

#[divan::bench(sample_count = 30)]
fn evaluate_10k_bets_1m_reports(bencher: Bencher) {
    let input = portfolio(true);
    assert_eq!(
        input
            .bets
            .iter()
            .map(|b| b.observations.len())
            .sum::<usize>(),
        REPORTS
    );
    bencher.bench_local(|| evaluate(black_box(&input)).unwrap());
}

#[divan::bench(sample_count = 30)]
fn evaluate_10k_bets_1m_reports_unsorted(bencher: Bencher) {
    let input = portfolio(false);
    bencher.bench_local(|| evaluate(black_box(&input)).unwrap());
}

const RACERS: usize = 50;
const RACER_REPORTS: usize = 2_000;

/// A race of 50 racers with 2,000 reports each over the 60 days before the finish: ten groups
/// of five racers whose forecasts lie within a few units of each other (so the comparison has
/// real work to do), slopes of up to +-0.2 a day, noise from 1 to 20, every seventh racer
/// reporting only in the last 15 days, and reports ending up to a week before the finish (the
/// forecast reaches ahead). Reports come in time order, as the database returns them.
fn race() -> RaceInput {
    let mut rng = Rng(0x5EED_1234_ABCD_0002);
    let finish = as_of();
    let racers = (0..RACERS)
        .map(|i| {
            let group = f64::from(u32::try_from(i / 5).unwrap());
            let level = 100.0 + 3.0 * group + 2.0 * (rng.unit() - 0.5);
            let slope = 0.4 * (rng.unit() - 0.5);
            let noise = 1.0 + 19.0 * rng.unit();
            let span = if i % 7 == 3 { 15 } else { 60 };
            let lag = rng.below_i64(7 * 86_400);
            let mut seconds: Vec<i64> = (0..RACER_REPORTS)
                .map(|_| -lag - rng.below_i64((span * 86_400 - 1).try_into().unwrap()))
                .collect();
            seconds.sort_unstable();
            let observations = seconds
                .into_iter()
                .map(|s| Observation {
                    at: finish + Duration::seconds(s),
                    value: level
                        + slope * (f64::from(i32::try_from(s).unwrap()) / 86_400.0)
                        + noise * 2.0 * (rng.unit() - 0.5),
                })
                .collect();
            RacerEvidence {
                bet_id: i64::try_from(i + 1).unwrap(),
                direction: Direction::HigherIsBetter,
                baseline: 0.0,
                threshold: 100.0,
                observations,
            }
        })
        .collect();
    RaceInput {
        start: finish - Duration::days(60),
        finish,
        measure: RaceMeasure::Metric {
            direction: Direction::HigherIsBetter,
        },
        min_reports: 3,
        confidence: 0.8,
        racers,
    }
}

#[divan::bench(sample_count = 30)]
fn race_50_racers_100k_reports(bencher: Bencher) {
    let input = race();
    assert_eq!(
        input
            .racers
            .iter()
            .map(|r| r.observations.len())
            .sum::<usize>(),
        RACERS * RACER_REPORTS
    );
    bencher.bench_local(|| standings(black_box(&input)).unwrap());
}
