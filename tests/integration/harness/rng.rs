//! Seeded randomness: the same sequence on every machine for a given seed, the seed printed so
//! a failing run can be replayed.

use chrono::Utc;

use crate::harness::backend_name;

/// SplitMix64: small, fast, and the same sequence on every machine for a given seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// One of many independent streams from one seed (stream `i` for the `i`-th bet, say), so
    /// that drawing less from one stream leaves the others as they were.
    pub fn stream(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        rng.next_u64();
        rng
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo).expect("lo <= hi") + 1;
        lo + i64::try_from(self.below(span)).expect("a draw below hi - lo + 1 fits")
    }

    /// Uniform in [0, 1).
    #[expect(
        clippy::cast_precision_loss,
        reason = "53 random bits fit an f64 exactly"
    )]
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An index below `len` (len > 0).
    pub fn index(&mut self, len: usize) -> usize {
        let len = u64::try_from(len).expect("a length fits in 64 bits");
        usize::try_from(self.below(len)).expect("an index below a length fits")
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// Fisher-Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.index(i + 1));
        }
    }
}

/// The seed named by `var`, or a fresh one. Printed, so a failing run can be replayed.
pub fn seed_from_env(var: &str) -> u64 {
    let seed = std::env::var(var)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            let nanos = Utc::now()
                .timestamp_nanos_opt()
                .unwrap_or_default()
                .cast_unsigned();
            Rng::new(nanos ^ u64::from(std::process::id())).next_u64()
        });
    println!("seed: {var}={seed}");
    seed
}

/// Says how to replay a failing randomized test: dropped while panicking, it prints the seed.
pub struct SeedGuard {
    pub var: &'static str,
    pub seed: u64,
}

impl Drop for SeedGuard {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "\n*** replay this failure with {}={} (backend: {}) ***\n",
                self.var,
                self.seed,
                backend_name()
            );
        }
    }
}
