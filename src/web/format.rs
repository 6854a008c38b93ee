//! Number and date formatting shared by the page templates and the charts.
//!
//! This module owns how a number or an instant reads on screen: thousands separators, how many
//! digits a metric value gets (3 significant in charts, in full in tables), probabilities without
//! false precision, dates as `2026-06-30` and times marked as UTC. Every function is pure and total:
//! any `f64` (NaN and infinities included) gives a string, never a panic.

use chrono::{DateTime, Utc};

pub(crate) use crate::engine::group_digits;

/// What a value that is not a finite number reads as (an en dash).
pub const MISSING: &str = "–";

/// `v` with 3 significant digits and thousands separators: `12345.6` -> `"12,300"`,
/// `0.012345` -> `"0.0123"`, `1.5` -> `"1.50"`, `0` -> `"0"`, NaN or infinite -> `"–"`.
///
/// Outside 1e-6 ..= 1e15 in magnitude the value is written in scientific notation (`"1.23e-7"`),
/// because a row of zeros is neither readable nor exact.
pub fn sig3(v: f64) -> String {
    if !v.is_finite() {
        return MISSING.to_owned();
    }
    if v == 0.0 {
        return "0".to_owned();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    // `{:.2e}` rounds correctly to 3 significant digits and tells the exponent after rounding,
    // so 9.996 becomes "1.00e1" and not "10.00".
    let sci = format!("{:.2e}", v.abs());
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return MISSING.to_owned();
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-6..15).contains(&exp) {
        return format!("{sign}{mantissa}e{exp}");
    }
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let body = match exp {
        2.. => {
            let zeros = "0".repeat(usize::try_from(exp - 2).unwrap_or(0));
            group_digits(&format!("{digits}{zeros}"))
        }
        0 | 1 => {
            let (int, frac) = digits.split_at(usize::try_from(exp + 1).unwrap_or(1));
            format!("{int}.{frac}")
        }
        _ => format!(
            "0.{}{digits}",
            "0".repeat(usize::try_from(-exp - 1).unwrap_or(0))
        ),
    };
    format!("{sign}{body}")
}

/// A metric value in full, for tables and tooltips: up to 6 decimals (6 significant digits for
/// values below 1), no trailing zeros, thousands separators: `12345.678` -> `"12,345.678"`.
///
/// Never more than 15 significant digits, so float noise (`0.1 + 0.2`) does not show; magnitudes
/// from 1e15 up or below 1e-10 are written in scientific notation.
pub fn full(v: f64) -> String {
    if !v.is_finite() {
        return MISSING.to_owned();
    }
    if v == 0.0 {
        return "0".to_owned();
    }
    let exp = decimal_exponent(v);
    if !(-10..15).contains(&exp) {
        let sci = format!("{:.5e}", v);
        return match sci.split_once('e') {
            Some((m, e)) => format!("{}e{e}", trim_fraction(m)),
            None => sci,
        };
    }
    let decimals = if exp >= 0 {
        (14 - exp).clamp(0, 6)
    } else {
        5 - exp
    };
    trim_fraction(&fixed(v, usize::try_from(decimals).unwrap_or(0)))
}

/// `v` rounded to exactly `decimals` decimals, with thousands separators: `fixed(1234.5, 2)` ->
/// `"1,234.50"`. Used for axis ticks, where all labels of an axis share the step's precision.
/// A value that rounds to zero has no minus sign; NaN or infinite -> `"–"`.
pub fn fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return MISSING.to_owned();
    }
    let text = format!("{:.*}", decimals.min(20), v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let is_zero = text.chars().all(|c| c == '0' || c == '.');
    let sign = if v < 0.0 && !is_zero { "-" } else { "" };
    let int = group_digits(int);
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// A probability as a whole percentage that never claims certainty it does not have:
/// `0.973` -> `"97%"`, `0.996` -> `">99%"`, `0.004` -> `"<1%"`, exactly `1` -> `"100%"`, exactly `0`
/// -> `"0%"`. Values outside 0..=1 (rounding noise) are clamped; NaN -> `"–"`.
pub fn percent(p: f64) -> String {
    if p.is_nan() {
        return MISSING.to_owned();
    }
    if p <= 0.0 {
        return "0%".to_owned();
    }
    if p >= 1.0 {
        return "100%".to_owned();
    }
    let whole = (p * 100.0).round();
    if whole >= 100.0 {
        ">99%".to_owned()
    } else if whole < 1.0 {
        "<1%".to_owned()
    } else {
        format!("{whole:.0}%")
    }
}

/// The UTC calendar date: `"2026-06-30"`, written with no-break hyphens (U+2011) so that a
/// browser never breaks it across lines after a hyphen, in a narrow cell or in a sentence.
/// For pages only: files and the API carry ISO 8601.
pub fn date(t: DateTime<Utc>) -> String {
    t.format("%Y\u{2011}%m\u{2011}%d").to_string()
}

/// The UTC date and minute, marked as UTC: `"2026-06-30 14:05 UTC"`, held together like
/// [`date`], with no-break spaces too.
pub fn datetime(t: DateTime<Utc>) -> String {
    t.format("%Y\u{2011}%m\u{2011}%d\u{a0}%H:%M\u{a0}UTC")
        .to_string()
}

/// A count and its noun, singular for one: `count(1, "bet", "bets")` -> `"1 bet"`,
/// `count(1200, "bet", "bets")` -> `"1,200 bets"`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    let noun = if n == 1 { one } else { many };
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    format!("{} {noun}", group_thousands_i64(n))
}

/// An integer with thousands separators: `-1234567` -> `"-1,234,567"` (all of `i64`, `MIN` too).
pub fn group_thousands_i64(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group_digits(&n.unsigned_abs().to_string()))
}

/// Drops trailing zeros of a fraction, and the point if nothing is left after it.
fn trim_fraction(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s.to_owned()
    }
}

/// floor(log10(|v|)) for a finite non-zero `v`, read from Rust's correctly rounded scientific
/// formatting so that exact powers of ten never land one step low.
fn decimal_exponent(v: f64) -> i32 {
    let sci = format!("{:e}", v.abs());
    sci.split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0)
}

mod beside;
pub use beside::{Rule, percent_beside};

#[cfg(test)]
mod tests;
