//! What a run is judged by, and the summary over seeds. The definitions are `docs/lab.md`'s
//! ("Metrics"): the share of the last round's budget on truly winning bets, the share of truly
//! winning bets killed, the share of truly losing bets still funded, and how much money moves
//! between rounds. They read only a run's record, so they can be checked on a record built by
//! hand.

use serde::{Deserialize, Serialize};

use super::run::RunRecord;

/// One run's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunMetrics {
    /// Bets in the portfolio over the run (those entering later included).
    pub bets: u32,
    pub truly_winning: u32,
    /// Truly winning bets that some round killed.
    pub killed_winners: u32,
    /// Truly losing bets that some round killed.
    pub killed_losers: u32,
    /// Last round's grants to truly winning bets / the budget.
    pub winners_share: f64,
    /// killed_winners / truly_winning; 0 when no bet truly wins.
    pub winners_killed: f64,
    /// Truly losing bets with a grant in the last round / truly losing bets; 0 when none.
    pub losers_funded: f64,
    /// Mean over rounds 2..R of sum |grant change| / (2 B): the share of the budget that moved.
    pub turnover: f64,
}

/// The mean, sample standard deviation (n - 1; 0 for one value), least and greatest value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stat {
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

/// Every metric over a set of seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// How many seeds (runs) it summarises.
    pub runs: u32,
    pub winners_share: Stat,
    pub winners_killed: Stat,
    pub losers_funded: Stat,
    pub turnover: Stat,
    pub truly_winning: Stat,
    pub killed_winners: Stat,
    pub killed_losers: Stat,
}

/// The figures of one run.
pub fn measure(record: &RunRecord) -> RunMetrics {
    let winning = &record.truly_winning;
    let bets = count(winning.len());
    let truly_winning = count(winning.iter().filter(|&&w| w).count());
    let killed = |want: bool| {
        count(
            winning
                .iter()
                .zip(&record.killed_in)
                .filter(|&(&w, k)| w == want && k.is_some())
                .count(),
        )
    };
    let (killed_winners, killed_losers) = (killed(true), killed(false));
    let last = record.grants.last().map_or(&[][..], Vec::as_slice);
    let winners_money: i64 = winning
        .iter()
        .zip(last)
        .filter(|&(&w, _)| w)
        .map(|(_, &g)| g)
        .sum();
    let losers_funded = count(
        winning
            .iter()
            .zip(last)
            .filter(|&(&w, &g)| !w && g > 0)
            .count(),
    );
    RunMetrics {
        bets,
        truly_winning,
        killed_winners,
        killed_losers,
        winners_share: money(winners_money) / money(record.budget),
        winners_killed: ratio(killed_winners, truly_winning),
        losers_funded: ratio(losers_funded, bets - truly_winning),
        turnover: turnover(record),
    }
}

/// Mean over rounds 2..R of sum_i |g_i,r - g_i,r-1| / (2 B); 0 with a single round.
fn turnover(record: &RunRecord) -> f64 {
    let moves: Vec<f64> = record
        .grants
        .windows(2)
        .map(|pair| {
            let moved: i64 = pair[0]
                .iter()
                .zip(&pair[1])
                .map(|(a, b)| (b - a).abs())
                .sum();
            money(moved) / (2.0 * money(record.budget))
        })
        .collect();
    mean(&moves)
}

/// The summary of a set of runs (in seed order; the order changes no figure but the last bit
/// of a sum, and the lab always passes seeds in the order given).
pub fn summarise(runs: &[RunMetrics]) -> Summary {
    let stat = |f: &dyn Fn(&RunMetrics) -> f64| {
        let values: Vec<f64> = runs.iter().map(f).collect();
        stat(&values)
    };
    Summary {
        runs: count(runs.len()),
        winners_share: stat(&|m| m.winners_share),
        winners_killed: stat(&|m| m.winners_killed),
        losers_funded: stat(&|m| m.losers_funded),
        turnover: stat(&|m| m.turnover),
        truly_winning: stat(&|m| f64::from(m.truly_winning)),
        killed_winners: stat(&|m| f64::from(m.killed_winners)),
        killed_losers: stat(&|m| f64::from(m.killed_losers)),
    }
}

/// Mean, sample sd, min and max; all 0 for no values.
pub fn stat(values: &[f64]) -> Stat {
    if values.is_empty() {
        return Stat {
            mean: 0.0,
            sd: 0.0,
            min: 0.0,
            max: 0.0,
        };
    }
    let m = mean(values);
    let sd = if values.len() < 2 {
        0.0
    } else {
        let squares: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
        (squares / (real(values.len()) - 1.0)).sqrt()
    };
    Stat {
        mean: m,
        sd,
        min: values.iter().copied().fold(f64::INFINITY, f64::min),
        max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / real(values.len())
    }
}

/// part / whole, 0 when whole is 0.
fn ratio(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) / f64::from(whole)
    }
}

/// A count of bets (at most the scenario's 10,000) as the metrics' u32.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A count of values as a float: the lab's counts are far below 2^53, so exact.
#[allow(clippy::cast_precision_loss, reason = "counts far below 2^53")]
fn real(n: usize) -> f64 {
    n as f64
}

/// Minor units as a float: amounts are at most the engine's 10^15, below 2^53, so exact.
#[allow(
    clippy::cast_precision_loss,
    reason = "amounts at most 10^15, below 2^53"
)]
fn money(amount: i64) -> f64 {
    amount as f64
}
