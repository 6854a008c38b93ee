//! The lab's only source of randomness: one xoshiro256++ generator (rand's
//! `Xoshiro256PlusPlus`, a fixed, portable algorithm) per bet and seed, and the two samplers
//! the synthetic portfolios need. Each bet draws from its own stream, seeded from the seed and
//! the bet's index by a splitmix64 mix, so adding bets never reshuffles the earlier bets'
//! draws, and the same seed gives the same numbers on every run and machine.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use statrs::distribution::Normal;

/// One bet's generator.
pub type Stream = Xoshiro256PlusPlus;

/// The generator of bet `index` (0-based) under `seed`. Two rounds of splitmix64 mix the two
/// numbers so that neighbouring seeds and neighbouring bets start far apart; rand then expands
/// the result into the generator's 256-bit state with splitmix64 again.
pub fn stream(seed: u64, index: u64) -> Stream {
    Stream::seed_from_u64(splitmix64(splitmix64(seed) ^ index))
}

/// One step of splitmix64 (Steele, Lea and Flood): a bijection of u64 that scrambles its bits.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A standard normal draw (statrs's ziggurat sampler).
pub fn standard_normal(rng: &mut Stream) -> f64 {
    rand::distr::Distribution::sample(&Normal::standard(), rng)
}

/// A uniform draw in [0, 1) (rand's: the top 53 bits of one u64, scaled).
pub fn unit(rng: &mut Stream) -> f64 {
    rng.random::<f64>()
}
