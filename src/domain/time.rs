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

/// The clock the market reads: the system's, or one a test moves forward, so that billing
/// periods can pass within a test. Offsets are whole microseconds, as everything stored is.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<std::sync::Arc<std::sync::atomic::AtomicI64>>);

impl Clock {
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that reads the system's plus an offset that [`Clock::advance`] moves.
    pub fn adjustable() -> Self {
        Self(Some(std::sync::Arc::new(
            std::sync::atomic::AtomicI64::new(0),
        )))
    }

    pub fn now(&self) -> DateTime<Utc> {
        let offset = self
            .0
            .as_ref()
            .map_or(0, |o| o.load(std::sync::atomic::Ordering::SeqCst));
        now() + TimeDelta::microseconds(offset)
    }

    /// Moves an adjustable clock forward (the system clock does not move).
    pub fn advance(&self, by: TimeDelta) {
        if let (Some(offset), Some(micros)) = (&self.0, by.num_microseconds()) {
            offset.fetch_add(micros, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// An instant as the pages write it, for messages made below the web layer (errors the pages
/// and the API both show): `"2026-06-30 14:05 UTC"`, never RFC 3339.
pub fn display(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
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

/// Refuses a leap second (`23:59:60Z`): SQLite would store it as written and PostgreSQL as the
/// next second, so the two backends would disagree about when it was.
fn refuse_leap_second(field: &str, at: DateTime<Utc>) -> Result<(), DomainError> {
    if at.timestamp_subsec_nanos() >= 1_000_000_000 {
        return Err(DomainError::new(
            field,
            "must not be a leap second (23:59:60); use 23:59:59 or the next second",
        ));
    }
    Ok(())
}

/// An instant that only selects (a filter's `since` or `until`): any instant but a leap second,
/// which the two backends would compare differently.
pub fn filter_instant(
    field: &str,
    at: Option<DateTime<Utc>>,
) -> Result<Option<chrono::NaiveDateTime>, DomainError> {
    at.map(|at| refuse_leap_second(field, at).map(|()| at.naive_utc()))
        .transpose()
}

/// Parses any instant for a schedule (threshold start, round `as_of`): 1970 to 9999.
pub fn schedule_instant(field: &str, at: DateTime<Utc>) -> Result<DateTime<Utc>, DomainError> {
    refuse_leap_second(field, at)?;
    if at < earliest() || at > latest() {
        return Err(DomainError::new(field, "must be between 1970 and 9999"));
    }
    Ok(to_micros(at))
}

/// An instant written by a person or a spreadsheet, read as UTC when it names no offset:
/// RFC 3339 (`2026-06-30T14:05:00Z`), `2026-06-30T14:05[:00]`, `2026-06-30 14:05[:00]`, or a
/// bare date (midnight).
pub fn parse_text(field: &str, text: &str) -> Result<DateTime<Utc>, DomainError> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        let t = t.to_utc();
        refuse_leap_second(field, t)?;
        return Ok(t);
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Ok(t.and_utc());
        }
    }
    if let Some(t) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok(t.and_utc());
    }
    Err(DomainError::new(
        field,
        "must be a date and time in UTC, like 2026-06-30T14:05:00Z",
    ))
}

/// When a metric value was observed: not before 1970 and not after now plus the clock skew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObservedAt(DateTime<Utc>);

impl ObservedAt {
    pub fn parse(field: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<Self, DomainError> {
        refuse_leap_second(field, at)?;
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
    fn text_instants_are_read_as_utc() {
        let want = "2026-06-30T14:05:00+00:00";
        for text in [
            "2026-06-30T14:05:00Z",
            "2026-06-30T16:05:00+02:00",
            "2026-06-30T14:05",
            "2026-06-30 14:05:00",
        ] {
            assert_eq!(parse_text("t", text).unwrap().to_rfc3339(), want, "{text}");
        }
        assert_eq!(
            parse_text("t", "2026-06-30").unwrap().to_rfc3339(),
            "2026-06-30T00:00:00+00:00"
        );
        assert!(parse_text("t", "30/06/2026").is_err());
    }

    #[test]
    fn instants_keep_microseconds() {
        let at = DateTime::parse_from_rfc3339("2026-01-01T00:00:00.123456789Z")
            .unwrap()
            .to_utc();
        assert_eq!(to_micros(at).timestamp_subsec_nanos(), 123_456_000);
    }

    #[test]
    fn leap_seconds_are_refused_everywhere_an_instant_is_stored() {
        let leap = DateTime::parse_from_rfc3339("2016-12-31T23:59:60Z")
            .unwrap()
            .to_utc();
        assert!(ObservedAt::parse("observed_at", leap, now()).is_err());
        assert!(schedule_instant("as_of", leap).is_err());
        assert!(filter_instant("since", Some(leap)).is_err());
        assert!(parse_text("since", "2016-12-31T23:59:60Z").is_err());
        assert!(filter_instant("since", None).is_ok_and(|t| t.is_none()));
        let before = DateTime::parse_from_rfc3339("2016-12-31T23:59:59.999999Z")
            .unwrap()
            .to_utc();
        assert!(ObservedAt::parse("observed_at", before, now()).is_ok());
        assert!(
            parse_text("observed_at", "2016-12-31T23:59:59Z")
                .is_ok_and(|t| schedule_instant("x", t).is_ok())
        );
    }
}
