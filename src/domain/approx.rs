//! Whole numbers as reals, for the ratios and means people read (a share of the grants, a
//! mean deviation, days between two instants). Kept in one place so that each cast is
//! justified once; the engine has its own, bounded by its own limits (`engine::money`).

use chrono::TimeDelta;

/// A count (of reports, of bets) as a real.
#[expect(
    clippy::cast_precision_loss,
    reason = "counts of rows in one request or one round are far below 2^53, exact in f64"
)]
pub fn count(n: usize) -> f64 {
    n as f64
}

/// `part / whole` of two amounts of money, 0 when `whole` is 0.
#[expect(
    clippy::cast_precision_loss,
    reason = "a share shown as a percentage; above 2^53 minor units it is off in the 16th digit"
)]
pub fn share(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A duration in days, with its fraction.
pub fn days(span: TimeDelta) -> f64 {
    span.as_seconds_f64() / 86_400.0
}

/// A duration in weeks, with its fraction. Divided once (not days / 7), so a span of whole
/// hours gives exactly hours / 168.
pub fn weeks(span: TimeDelta) -> f64 {
    span.as_seconds_f64() / 604_800.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_spans_read_as_people_expect() {
        assert_eq!(share(1, 4), 0.25);
        assert_eq!(share(5, 0), 0.0);
        assert_eq!(days(TimeDelta::hours(36)), 1.5);
        assert_eq!(weeks(TimeDelta::days(14)), 2.0);
        assert_eq!(count(3), 3.0);
        for hours in [1, 177, 9_999] {
            assert_eq!(
                weeks(TimeDelta::hours(hours.into())),
                f64::from(hours) / 168.0
            );
        }
    }
}
