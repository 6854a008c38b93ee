//! Conversions between whole minor units (`i64`) and the real amounts (`f64`) the pools are
//! computed in. Amounts are bounded by `MAX_AMOUNT`, well below 2^53, so every whole amount the
//! engine meets is exactly representable as an `f64` and the casts below lose nothing.

/// The largest budget, previous grant or pinned grant the engine accepts: 10^15 minor units
/// (ten trillion in a currency with cents). Below 2^53, so whole amounts are exact as `f64`.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// A whole amount as a real one.
#[expect(
    clippy::cast_precision_loss,
    reason = "amounts are validated to |x| <= MAX_AMOUNT < 2^53, exact in f64; only \
              min_grant is unbounded, and it is only compared with, where rounding is harmless"
)]
pub(super) fn real(amount: i64) -> f64 {
    amount as f64
}

/// floor(x) as a whole amount, for a real amount already known to be finite and within
/// [0, MAX_AMOUNT] up to rounding error. Out-of-range values saturate (Rust's float-to-int
/// casts never panic), which the callers' conservation fix-ups absorb.
#[expect(
    clippy::cast_possible_truncation,
    reason = "x is floored first and lies within 0..=MAX_AMOUNT, so the i64 holds it exactly"
)]
pub(super) fn floor(x: f64) -> i64 {
    x.floor() as i64
}

/// A count of bets as a real divisor.
#[expect(
    clippy::cast_precision_loss,
    reason = "counts of bets or observations are far below 2^53"
)]
pub(super) fn count(n: usize) -> f64 {
    n as f64
}
