//! Timing: each measurement runs several times; the table shows median, min and max.

use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Samples(pub Vec<f64>);

impl Samples {
    pub fn median(&self) -> f64 {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }
    pub fn min(&self) -> f64 {
        self.0.iter().copied().fold(f64::INFINITY, f64::min)
    }
    pub fn max(&self) -> f64 {
        self.0.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }
    /// The q-quantile (0..=1), nearest rank.
    #[expect(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a nearest rank: q (0..=1) times a sample count far below 2^53, rounded up to \
                  a whole non-negative number and clamped to 1..=len"
    )]
    pub fn quantile(&self, q: f64) -> f64 {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return f64::NAN;
        }
        let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v[rank - 1]
    }
}

/// A count (rows, requests) as an `f64`, exactly: the suite's counts are far below 2^32.
pub fn exact(n: impl TryInto<u32>) -> f64 {
    f64::from(
        n.try_into()
            .unwrap_or_else(|_| panic!("a count of 2^32 or more")),
    )
}

/// Runs `f` `runs` times, collecting what it returns (a duration in ms, or a rate).
pub fn repeat(runs: usize, mut f: impl FnMut() -> f64) -> Samples {
    Samples((0..runs).map(|_| f()).collect())
}

/// Milliseconds `f` takes.
pub fn millis(f: impl FnOnce()) -> f64 {
    let started = Instant::now();
    f();
    started.elapsed().as_secs_f64() * 1e3
}
