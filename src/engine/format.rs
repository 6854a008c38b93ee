//! Number formatting for the reasons and error messages: thousands separators and a sensible
//! precision, so a committee member reads "12,340" and "0.0345", not "12340.000000001".
//! Money prints with the round's `money_decimals` digits after the point (the caller knows the
//! currency; the engine does not), or as whole minor units when that is 0.

/// The most decimals [`money_in`] prints: no currency has more than 4 minor-unit digits.
pub(super) const MAX_MONEY_DECIMALS: u32 = 4;

/// An amount of minor units as the currency writes it: `money_in(1234567, 2)` -> "12,345.67".
pub(super) fn money_in(amount: i64, decimals: u32) -> String {
    let decimals = decimals.min(MAX_MONEY_DECIMALS);
    if decimals == 0 {
        return money(amount);
    }
    let scale = 10_u64.pow(decimals);
    let whole = group_digits(&(amount.unsigned_abs() / scale).to_string());
    let fraction = amount.unsigned_abs() % scale;
    let sign = if amount < 0 { "-" } else { "" };
    format!(
        "{sign}{whole}.{fraction:0width$}",
        width = decimals as usize
    )
}

/// A whole amount of minor units: `1234567` -> "1,234,567".
pub(super) fn money(amount: i64) -> String {
    let digits = group_digits(&amount.unsigned_abs().to_string());
    if amount < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// A metric value or real amount with about four significant digits: 12340.2 -> "12,340",
/// 9.8 -> "9.8", 0.034567 -> "0.03457". Very small or very large magnitudes use scientific
/// notation.
pub(super) fn value(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_owned();
    }
    let magnitude = v.abs();
    if magnitude == 0.0 {
        return "0".to_owned();
    }
    if !(1e-3..1e15).contains(&magnitude) {
        return format!("{v:.2e}");
    }
    // decimals = 3 - floor(log10 |v|), i.e. four significant digits, never negative.
    let decimals = if magnitude >= 1000.0 {
        0
    } else if magnitude >= 100.0 {
        1
    } else if magnitude >= 10.0 {
        2
    } else if magnitude >= 1.0 {
        3
    } else if magnitude >= 0.1 {
        4
    } else if magnitude >= 0.01 {
        5
    } else {
        6
    };
    let text = format!("{magnitude:.decimals$}");
    let (whole, fraction) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let fraction = fraction.trim_end_matches('0');
    let mut out = String::with_capacity(text.len() + 8);
    if v < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    out.push_str(&group_digits(whole));
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// "P = 0.97": a probability with two decimals, never rounding a near-certainty to a
/// certainty ("P > 0.99", "P < 0.01").
pub(super) fn chance(p: f64) -> String {
    let text = format!("{p:.2}");
    if text == "1.00" && p < 1.0 {
        "P > 0.99".to_owned()
    } else if text == "0.00" && p > 0.0 {
        "P < 0.01".to_owned()
    } else {
        format!("P = {text}")
    }
}

/// A share as a percentage: 0.4 -> "40%".
pub(super) fn percent(share: f64) -> String {
    format!("{}%", value(share * 100.0))
}

/// Inserts a comma every three digits from the right of a run of ASCII digits.
/// Inserts a comma every three digits from the right of a run of ASCII digits: "1234567" ->
/// "1,234,567". The one place horserace groups digits; money (`domain::Currency`) and the
/// pages use it too.
pub fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_shows_the_currency_decimals() {
        assert_eq!(money_in(123_456, 2), "1,234.56");
        assert_eq!(money_in(5, 2), "0.05");
        assert_eq!(money_in(-100_000_001, 2), "-1,000,000.01");
        assert_eq!(money_in(1_234, 3), "1.234");
        assert_eq!(money_in(1_234, 0), "1,234");
    }

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(0), "0");
        assert_eq!(money(999), "999");
        assert_eq!(money(1_000), "1,000");
        assert_eq!(money(1_234_567), "1,234,567");
        assert_eq!(money(-50_000), "-50,000");
        assert_eq!(money(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn value_keeps_four_significant_digits() {
        assert_eq!(value(12_340.2), "12,340");
        assert_eq!(value(10_000.0), "10,000");
        assert_eq!(value(9.8), "9.8");
        assert_eq!(value(0.034_56), "0.03456");
        assert_eq!(value(0.5), "0.5");
        assert_eq!(value(-8_100.4), "-8,100");
        assert_eq!(value(-0.000_01), "-1.00e-5");
        assert_eq!(value(0.0), "0");
        assert_eq!(value(1.0), "1");
    }

    #[test]
    fn chance_never_claims_false_certainty() {
        assert_eq!(chance(0.97), "P = 0.97");
        assert_eq!(chance(0.999_9), "P > 0.99");
        assert_eq!(chance(1.0), "P = 1.00");
        assert_eq!(chance(0.000_1), "P < 0.01");
        assert_eq!(chance(0.0), "P = 0.00");
        assert_eq!(chance(0.5), "P = 0.50");
    }

    #[test]
    fn percent_of_share() {
        assert_eq!(percent(0.4), "40%");
        assert_eq!(percent(0.125), "12.5%");
    }
}
