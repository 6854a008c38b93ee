//! Money: an integer count of minor units (cents) in the portfolio's currency, never a float.

use super::DomainError;
use crate::engine::group_digits;

/// The largest amount horserace accepts: 10^15 minor units (ten trillion dollars in cents).
/// Far above any real budget, and far below where i64 sums of many such amounts overflow.
pub const MAX_MINOR_UNITS: i64 = 1_000_000_000_000_000;

/// A non-negative amount of money in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(i64);

impl Money {
    pub fn parse(field: &str, minor_units: i64) -> Result<Self, DomainError> {
        if minor_units < 0 {
            return Err(DomainError::new(field, "must not be negative"));
        }
        if minor_units > MAX_MINOR_UNITS {
            return Err(DomainError::new(
                field,
                "must be at most 1,000,000,000,000,000 minor units",
            ));
        }
        Ok(Self(minor_units))
    }

    pub fn minor_units(self) -> i64 {
        self.0
    }
}

/// An ISO 4217 currency code with the number of its minor-unit digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency(String);

impl Currency {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        if raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::new(
                field,
                "must be a three-letter ISO 4217 code such as USD",
            ))
        }
    }

    /// US dollars, the default currency of a new portfolio.
    pub fn usd() -> Self {
        Self("USD".to_owned())
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point: 0 for yen-like currencies, 3 for dinars, else 2.
    pub fn exponent(&self) -> u32 {
        match self.0.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }

    /// `1234567` cents as `1,234,567.89`-style text, exact (no float), with a sign if negative.
    pub fn format_amount(&self, minor_units: i64) -> String {
        let sign = if minor_units < 0 { "-" } else { "" };
        let abs = minor_units.unsigned_abs();
        let scale = 10u64.pow(self.exponent());
        let whole = group_digits(&(abs / scale).to_string());
        if self.exponent() == 0 {
            format!("{sign}{whole}")
        } else {
            let width = self.exponent() as usize;
            format!("{sign}{whole}.{:0width$}", abs % scale)
        }
    }

    /// `USD 1,234,567.89`.
    pub fn format(&self, minor_units: i64) -> String {
        format!("{} {}", self.0, self.format_amount(minor_units))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_bounded() {
        assert!(Money::parse("budget", -1).is_err());
        assert!(Money::parse("budget", MAX_MINOR_UNITS + 1).is_err());
        assert_eq!(Money::parse("budget", 0).unwrap().minor_units(), 0);
    }

    #[test]
    fn amounts_format_exactly() {
        let usd = Currency::parse("currency", "USD").unwrap();
        assert_eq!(usd.format(123_456_789), "USD 1,234,567.89");
        assert_eq!(usd.format_amount(-5), "-0.05");
        assert_eq!(usd.format_amount(100_000), "1,000.00");
        let jpy = Currency::parse("currency", "JPY").unwrap();
        assert_eq!(jpy.format(1_000_000), "JPY 1,000,000");
        assert!(Currency::parse("currency", "usd").is_err());
    }
}
