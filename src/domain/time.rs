//! Instants: UTC, at the microsecond precision both databases keep, so a value reads back
//! exactly as it was written (idempotency comparisons and round verification rely on that).

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

use super::DomainError;

/// How far in the future a report's `observed_at` may be: clocks disagree a little.
pub const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Drops sub-microsecond digits.
pub fn to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

/// The current instant, truncated to microseconds.
pub fn now() -> DateTime<Utc> {
    to_micros(Utc::now())
}

/// The earliest instant horserace accepts anywhere: nothing it measures predates it.
pub fn earliest() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

/// The latest instant accepted for schedules (thresholds, rounds): the year 9999.
pub fn latest() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z")
        .map(|t| t.to_utc())
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Parses any instant for a schedule (threshold start, round `as_of`): 1970 to 9999.
pub fn schedule_instant(field: &str, at: DateTime<Utc>) -> Result<DateTime<Utc>, DomainError> {
    if at < earliest() || at > latest() {
        return Err(DomainError::new(field, "must be between 1970 and 9999"));
    }
    Ok(to_micros(at))
}

/// When a metric value was observed: not before 1970 and not after now plus the clock skew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObservedAt(DateTime<Utc>);

impl ObservedAt {
    pub fn parse(field: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<Self, DomainError> {
        if at > now + CLOCK_SKEW {
            return Err(DomainError::new(
                field,
                "must not be more than 5 minutes in the future",
            ));
        }
        if at < earliest() {
            return Err(DomainError::new(field, "must not be before 1970"));
        }
        Ok(Self(to_micros(at)))
    }

    pub fn get(self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observed_at_refuses_the_future_beyond_skew() {
        let now = now();
        assert!(ObservedAt::parse("observed_at", now + TimeDelta::minutes(4), now).is_ok());
        assert!(ObservedAt::parse("observed_at", now + TimeDelta::minutes(6), now).is_err());
        assert!(ObservedAt::parse("observed_at", DateTime::<Utc>::MIN_UTC, now).is_err());
    }

    #[test]
    fn instants_keep_microseconds() {
        let at = DateTime::parse_from_rfc3339("2026-01-01T00:00:00.123456789Z")
            .unwrap()
            .to_utc();
        assert_eq!(to_micros(at).timestamp_subsec_nanos(), 123_456_000);
    }
}
