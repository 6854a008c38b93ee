//! Tests of the formatters: the documented examples and the edge cases (NaN, infinities,
//! rounding across a power of ten, the ends of `i64` and of `f64`).

use super::*;
use chrono::TimeZone;

#[test]
fn sig3_examples_and_edges() {
    for (v, want) in [
        (12345.6, "12,300"),
        (0.012345, "0.0123"),
        (1.5, "1.50"),
        (-2.0, "-2.00"),
        (0.0, "0"),
        (-0.0, "0"),
        (9.996, "10.0"),
        (999.6, "1,000"),
        (123.0, "123"),
        (1_234_567.0, "1,230,000"),
        (0.5, "0.500"),
        (-0.000_123_45, "-0.000123"),
        (1.234e-7, "1.23e-7"),
        (1.0e15, "1.00e15"),
        (999_499_999_999_999.0, "999,000,000,000,000"),
    ] {
        assert_eq!(sig3(v), want, "sig3({v})");
    }
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(sig3(v), "–");
    }
    assert_eq!(sig3(f64::MAX), "1.80e308");
    assert_eq!(sig3(f64::MIN_POSITIVE), "2.23e-308");
}

#[test]
fn full_examples_and_edges() {
    for (v, want) in [
        (12345.678, "12,345.678"),
        (1.0, "1"),
        (-1234.5, "-1,234.5"),
        (0.1 + 0.2, "0.3"),
        (0.000_123_456_789, "0.000123457"),
        (2.0 / 3.0, "0.666667"),
        (1_234_567_890_123.456, "1,234,567,890,123.46"),
        (0.0, "0"),
        (-0.000_000_1, "-0.0000001"),
        (1.0e25, "1e25"),
        (1.0e15, "1e15"),
        (1.234_567e-12, "1.23457e-12"),
    ] {
        assert_eq!(full(v), want, "full({v})");
    }
    assert_eq!(full(f64::NAN), "–");
    assert_eq!(full(f64::NEG_INFINITY), "–");
}

#[test]
fn fixed_rounds_and_groups() {
    assert_eq!(fixed(1234.5, 2), "1,234.50");
    assert_eq!(fixed(-0.001, 2), "0.00");
    assert_eq!(fixed(-1_000_000.0, 0), "-1,000,000");
    assert_eq!(fixed(0.30000000000000004, 1), "0.3");
    assert_eq!(fixed(f64::NAN, 1), "–");
}

#[test]
fn percent_without_false_precision() {
    for (p, want) in [
        (0.973, "97%"),
        (0.996, ">99%"),
        (0.995, ">99%"),
        (0.99, "99%"),
        (0.004, "<1%"),
        (0.005, "1%"),
        (1.0, "100%"),
        (0.0, "0%"),
        (0.5, "50%"),
        (1.2, "100%"),
        (-0.1, "0%"),
        (f64::INFINITY, "100%"),
    ] {
        assert_eq!(percent(p), want, "percent({p})");
    }
    assert_eq!(percent(f64::NAN), "–");
}

#[test]
fn dates_are_iso_and_utc() {
    let t = Utc.with_ymd_and_hms(2026, 6, 30, 14, 5, 59).single();
    let t = t.unwrap_or_default();
    // No-break hyphens and spaces: the page never breaks a date across lines.
    assert_eq!(date(t), "2026\u{2011}06\u{2011}30");
    assert_eq!(datetime(t), "2026\u{2011}06\u{2011}30\u{a0}14:05\u{a0}UTC");
}

#[test]
fn thousands_for_all_of_i64() {
    assert_eq!(group_thousands_i64(-1_234_567), "-1,234,567");
    assert_eq!(group_thousands_i64(0), "0");
    assert_eq!(group_thousands_i64(999), "999");
    assert_eq!(group_thousands_i64(1000), "1,000");
    assert_eq!(group_thousands_i64(i64::MIN), "-9,223,372,036,854,775,808");
    assert_eq!(group_thousands_i64(i64::MAX), "9,223,372,036,854,775,807");
}

#[test]
fn counts_take_the_singular_for_one_only() {
    assert_eq!(count(1, "bet", "bets"), "1 bet");
    assert_eq!(count(0, "bet", "bets"), "0 bets");
    assert_eq!(count(1200, "person", "people"), "1,200 people");
}
