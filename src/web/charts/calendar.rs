//! Calendar intervals for date ticks (days, weeks, months, years) and how ticks align to them:
//! weeks on Mondays, quarters on January, April, July and October, years on multiples of the
//! step. This module owns the date arithmetic; `dates` chooses which interval a chart gets.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Interval {
    Days(u32),
    Weeks(u32),
    Months(u32),
    Years(i32),
}

impl Interval {
    pub(super) fn approx_secs(self) -> f64 {
        const DAY: f64 = 86_400.0;
        match self {
            Interval::Days(n) => f64::from(n) * DAY,
            Interval::Weeks(n) => f64::from(n) * 7.0 * DAY,
            Interval::Months(n) => f64::from(n) * 28.0 * DAY,
            Interval::Years(n) => f64::from(n) * 365.0 * DAY,
        }
    }

    /// The first tick at or after `t0`, aligned so ticks fall on round dates (every other day on
    /// even days since the epoch of the calendar, weeks on Mondays, quarters on Jan/Apr/Jul/Oct).
    pub(super) fn first(self, t0: NaiveDateTime) -> Option<NaiveDate> {
        let mut d = t0.date();
        if t0.time() != NaiveTime::MIN {
            d = d.succ_opt()?;
        }
        match self {
            Interval::Days(n) => {
                let off = u64::try_from(d.num_days_from_ce().rem_euclid(n.max(1).try_into().ok()?))
                    .ok()?;
                let n = u64::from(n.max(1));
                d.checked_add_days(Days::new((n - off) % n))
            }
            Interval::Weeks(n) => {
                let to_monday = (7 - u64::from(d.weekday().num_days_from_monday())) % 7;
                let d = d.checked_add_days(Days::new(to_monday))?;
                // 0001-01-01 was a Monday, so weeks since then are (days - 1) / 7.
                let week = (d.num_days_from_ce() - 1).div_euclid(7);
                let n = i32::try_from(n.max(1)).ok()?;
                let skip = u64::try_from((n - week.rem_euclid(n)) % n).ok()?;
                d.checked_add_days(Days::new(skip * 7))
            }
            Interval::Months(n) => {
                let mut m = NaiveDate::from_ymd_opt(d.year(), d.month(), 1)?;
                if m < d {
                    m = m.checked_add_months(Months::new(1))?;
                }
                let skip = (n.max(1) - m.month0() % n.max(1)) % n.max(1);
                m.checked_add_months(Months::new(skip))
            }
            Interval::Years(n) => {
                let mut y = d.year();
                if NaiveDate::from_ymd_opt(y, 1, 1)? < d {
                    y += 1;
                }
                let n = n.max(1);
                NaiveDate::from_ymd_opt(y + (n - y.rem_euclid(n)) % n, 1, 1)
            }
        }
    }

    pub(super) fn next(self, d: NaiveDate) -> Option<NaiveDate> {
        match self {
            Interval::Days(n) => d.checked_add_days(Days::new(n.into())),
            Interval::Weeks(n) => d.checked_add_days(Days::new(u64::from(n) * 7)),
            Interval::Months(n) => d.checked_add_months(Months::new(n)),
            Interval::Years(n) => NaiveDate::from_ymd_opt(d.year().checked_add(n)?, 1, 1),
        }
    }

    pub(super) fn label(self, d: NaiveDate) -> String {
        let pattern = match self {
            Interval::Days(_) | Interval::Weeks(_) => "%b %-d",
            Interval::Months(_) => "%b",
            Interval::Years(_) => "%Y",
        };
        d.format(pattern).to_string()
    }
}

/// The finest candidate intervals first; years go on in 1-2-5 steps to the end of chrono's range.
pub(super) fn candidates() -> impl Iterator<Item = Interval> {
    let fine = [
        Interval::Days(1),
        Interval::Days(2),
        Interval::Weeks(1),
        Interval::Weeks(2),
        Interval::Months(1),
        Interval::Months(2),
        Interval::Months(3),
        Interval::Months(6),
    ];
    let years = [1, 10, 100, 1000, 10_000, 100_000]
        .into_iter()
        .flat_map(|p| [p, 2 * p, 5 * p])
        .map(Interval::Years);
    fine.into_iter().chain(years)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticks(interval: Interval, from: (i32, u32, u32), count: usize) -> Vec<String> {
        let start =
            NaiveDate::from_ymd_opt(from.0, from.1, from.2).map(|d| d.and_time(NaiveTime::MIN));
        let mut day = start.and_then(|s| interval.first(s));
        let mut out = Vec::new();
        while let Some(d) = day.filter(|_| out.len() < count) {
            out.push(d.to_string());
            day = interval.next(d);
        }
        out
    }

    #[test]
    fn ticks_align_to_round_dates() {
        assert_eq!(
            ticks(Interval::Months(3), (2026, 2, 15), 3),
            ["2026-04-01", "2026-07-01", "2026-10-01"]
        );
        assert_eq!(
            ticks(Interval::Months(1), (2026, 3, 1), 2),
            ["2026-03-01", "2026-04-01"]
        );
        assert_eq!(
            ticks(Interval::Weeks(1), (2026, 3, 4), 2),
            ["2026-03-09", "2026-03-16"]
        );
        assert_eq!(
            ticks(Interval::Years(5), (2021, 1, 1), 2),
            ["2025-01-01", "2030-01-01"]
        );
        assert_eq!(ticks(Interval::Years(1), (-5, 6, 1), 1), ["-0004-01-01"]);
        assert_eq!(
            ticks(Interval::Days(1), (262_142, 12, 30), 5),
            ["+262142-12-30", "+262142-12-31"]
        );
    }

    #[test]
    fn candidates_run_from_days_to_millennia() {
        let all: Vec<Interval> = candidates().collect();
        assert_eq!(all.first(), Some(&Interval::Days(1)));
        assert_eq!(all.last(), Some(&Interval::Years(500_000)));
        assert!(
            all.windows(2)
                .all(|w| w[0].approx_secs() < w[1].approx_secs())
        );
    }
}
