//! Validated domain types: parse, don't validate. A value of one of these types is known good,
//! so the layers below never re-check it. Each parse error names the field it came from.

mod actor;
pub mod approx;
mod enums;
mod idempotency;
mod money;
mod period;
mod text;
pub mod threshold;
pub mod time;
mod token;

pub use crate::engine::Direction;
pub use actor::Actor;
pub use enums::{
    AccountKind, BetStatus, BillingRunStatus, EntryKind, RaceMeasure, RaceStatus, RacerFate,
    RequestStatus, Role, RoundStatus, Stage, TeamKind, TokenKind,
};
pub use idempotency::IdempotencyKey;
pub use money::{Currency, MAX_MINOR_UNITS, Money};
pub use period::{BillingPeriod, PeriodLength};
pub use text::{
    Description, Filter, Name, Reason, SourceNote, Title, Unit, is_slug, lookalike_key, slugify,
};
pub use time::ObservedAt;
pub use token::{ApiToken, TokenHash};

/// A value that failed to parse: which field, and why, in words a user reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DomainError {
    pub field: String,
    pub message: String,
}

impl DomainError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A metric value: any finite number. Negative zero is zero: SQLite keeps it as 0, and a value
/// must read back exactly as it was answered.
pub fn metric_value(field: &str, value: f64) -> Result<f64, DomainError> {
    if value.is_finite() {
        Ok(value + 0.0)
    } else {
        Err(DomainError::new(field, "must be a finite number"))
    }
}

#[cfg(test)]
mod tests {
    use super::metric_value;

    #[test]
    fn a_metric_value_is_finite_and_negative_zero_is_zero() {
        let zero = metric_value("value", -0.0).map(f64::is_sign_positive);
        assert_eq!(zero, Ok(true));
        assert_eq!(metric_value("value", -2.5), Ok(-2.5));
        assert!(metric_value("value", f64::NAN).is_err());
        assert!(metric_value("value", f64::NEG_INFINITY).is_err());
    }
}
