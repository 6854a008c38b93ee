//! Billing periods: calendar blocks of 1, 2, 3, 4, 6 or 12 months counted from January, so
//! every period starts on the first of a month at midnight UTC and a year holds whole periods.
//! A period is named by the month it starts in ("2026-11").

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

use super::DomainError;

/// How many months a billing period lasts: a divisor of twelve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodLength(u32);

impl PeriodLength {
    pub const MONTH: PeriodLength = PeriodLength(1);
    const ALLOWED: [u32; 6] = [1, 2, 3, 4, 6, 12];

    pub fn parse(field: &str, months: i64) -> Result<Self, DomainError> {
        Self::ALLOWED
            .into_iter()
            .find(|m| i64::from(*m) == months)
            .map(PeriodLength)
            .ok_or_else(|| DomainError::new(field, "must be 1, 2, 3, 4, 6 or 12 months"))
    }

    pub fn months(self) -> u32 {
        self.0
    }
}

/// One billing period: its first month and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BillingPeriod {
    /// Months since January of year 0: orders periods and makes the arithmetic plain.
    first_month: i64,
    months: u32,
}

impl BillingPeriod {
    /// The period that holds this instant.
    pub fn containing(at: DateTime<Utc>, length: PeriodLength) -> Self {
        let month = i64::from(at.year()) * 12 + i64::from(at.month0());
        let months = length.months();
        Self {
            first_month: month - month.rem_euclid(i64::from(months)),
            months,
        }
    }

    /// `2026-11`: the period of this length that starts in that month. A month where no period
    /// of this length starts (`2026-11` for quarters) is refused, naming the one that holds it.
    pub fn parse(field: &str, text: &str, length: PeriodLength) -> Result<Self, DomainError> {
        let bad = || DomainError::new(field, "must be a month written YYYY-MM, such as 2026-11");
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i64 = year.parse().map_err(|_| bad())?;
        let month: i64 = month.parse().map_err(|_| bad())?;
        if !(1970..=9998).contains(&year) || !(1..=12).contains(&month) {
            return Err(DomainError::new(
                field,
                "must be a month from 1970-01 to 9998-12",
            ));
        }
        let first_month = year * 12 + month - 1;
        let period = Self {
            first_month: first_month - first_month.rem_euclid(i64::from(length.months())),
            months: length.months(),
        };
        if period.first_month != first_month {
            return Err(DomainError::new(
                field,
                format!(
                    "no {}-month period starts in {text}; that month is in the period {}",
                    length.months(),
                    period.label()
                ),
            ));
        }
        Ok(period)
    }

    /// The period from `start` to `end` as stored, if they are the bounds of whole months.
    pub fn spanning(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Self> {
        let month = |at: DateTime<Utc>| i64::from(at.year()) * 12 + i64::from(at.month0());
        let period = Self {
            first_month: month(start),
            months: u32::try_from(month(end) - month(start)).ok()?,
        };
        (period.months > 0 && period.start() == start && period.end() == end).then_some(period)
    }

    pub fn next(self) -> Self {
        Self {
            first_month: self.first_month + i64::from(self.months),
            months: self.months,
        }
    }

    pub fn previous(self) -> Self {
        Self {
            first_month: self.first_month - i64::from(self.months),
            months: self.months,
        }
    }

    /// Midnight UTC on the first day of the period.
    pub fn start(self) -> DateTime<Utc> {
        month_start(self.first_month)
    }

    /// Midnight UTC on the first day after the period (exclusive).
    pub fn end(self) -> DateTime<Utc> {
        month_start(self.first_month + i64::from(self.months))
    }

    pub fn contains(self, at: DateTime<Utc>) -> bool {
        self.start() <= at && at < self.end()
    }

    /// The month it starts in, `2026-11`.
    pub fn label(self) -> String {
        let start = self.start();
        format!("{:04}-{:02}", start.year(), start.month())
    }
}

fn month_start(month: i64) -> DateTime<Utc> {
    let year = i32::try_from(month.div_euclid(12)).unwrap_or(i32::MAX);
    let month0 = u32::try_from(month.rem_euclid(12)).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, month0 + 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MAX_UTC, |t| Utc.from_utc_datetime(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map_or(DateTime::<Utc>::MIN_UTC, |t| t.to_utc())
    }

    #[test]
    fn a_month_runs_from_its_first_midnight_to_the_next() {
        let p = BillingPeriod::containing(at("2026-12-31T23:59:59Z"), PeriodLength::MONTH);
        assert_eq!(p.label(), "2026-12");
        assert_eq!(p.start(), at("2026-12-01T00:00:00Z"));
        assert_eq!(p.end(), at("2027-01-01T00:00:00Z"));
        assert_eq!(p.next().label(), "2027-01");
        assert_eq!(p.previous().label(), "2026-11");
        assert!(p.contains(at("2026-12-01T00:00:00Z")));
        assert!(!p.contains(at("2027-01-01T00:00:00Z")));
    }

    #[test]
    fn quarters_start_in_january_april_july_and_october() {
        let q = PeriodLength::parse("m", 3).map_err(|e| e.message);
        let Ok(q) = q else { panic!("{q:?}") };
        let p = BillingPeriod::containing(at("2026-11-15T12:00:00Z"), q);
        assert_eq!(p.label(), "2026-10");
        assert_eq!(p.end(), at("2027-01-01T00:00:00Z"));
        assert_eq!(BillingPeriod::parse("period", "2026-10", q), Ok(p));
        let refused = BillingPeriod::parse("period", "2026-11", q).map_err(|e| e.message);
        assert_eq!(
            refused,
            Err("no 3-month period starts in 2026-11; that month is in the period 2026-10".into())
        );
    }

    #[test]
    fn only_divisors_of_twelve_and_real_months_are_accepted() {
        assert!(PeriodLength::parse("m", 5).is_err());
        assert!(PeriodLength::parse("m", 0).is_err());
        for bad in [
            "2026-13", "2026-00", "26-11", "2026-1", "2026/11", "", "1969-12",
        ] {
            assert!(
                BillingPeriod::parse("p", bad, PeriodLength::MONTH).is_err(),
                "{bad}"
            );
        }
    }
}
