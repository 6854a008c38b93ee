//! Exact conversions between the integers and floats the tests compare: each checks that the
//! value survives the conversion unchanged, so a test never compares a rounded number.

/// The largest integer below which every integer is an `f64` exactly (2^53).
const EXACT_F64: i64 = 1 << 53;

/// `n` as an `f64`; panics unless `n` is exactly representable (|n| <= 2^53).
#[expect(
    clippy::cast_precision_loss,
    reason = "checked first: every integer of magnitude up to 2^53 is an f64 exactly"
)]
pub fn exact_f64(n: i64) -> f64 {
    assert!(
        n.abs() <= EXACT_F64,
        "{n} is not exactly representable as an f64"
    );
    n as f64
}

/// A whole `f64` (already rounded or floored) as an `i64`; panics on a fraction, NaN or a
/// magnitude over 2^53 (where an `f64` no longer holds every integer).
#[expect(
    clippy::cast_possible_truncation,
    reason = "checked first: a whole number of magnitude up to 2^53 converts exactly"
)]
pub fn whole_i64(x: f64) -> i64 {
    assert!(
        x.fract() == 0.0 && x.abs() <= exact_f64(EXACT_F64),
        "{x} is not a whole number within 2^53"
    );
    x as i64
}

/// A count (a length, an index) as an `i64`, which is how the API and the database count.
pub fn count(n: usize) -> i64 {
    i64::try_from(n).expect("a count fits in an i64")
}
