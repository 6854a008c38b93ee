//! The time axis: the padded time domain of a chart and readable date ticks. This module owns the
//! choice between day, week, month and year ticks for a span, so that labels never overlap at the
//! chart's width and the year is written once per year rather than on every tick.

use chrono::{DateTime, Datelike, NaiveTime, TimeDelta, Utc};

use super::calendar::{Interval, candidates};
use super::text::text_width;

/// Seconds since the Unix epoch, the unit of the time scale.
#[expect(
    clippy::cast_precision_loss,
    reason = "chrono's range is about ±8.3e12 s, below 2^53, so every second is exact in f64"
)]
pub(super) fn secs(t: DateTime<Utc>) -> f64 {
    t.timestamp() as f64 + f64::from(t.timestamp_subsec_millis()) / 1000.0
}

/// The padded domain around `instants`: at least two days wide (so a single report or identical
/// timestamps still get a readable axis) and 3% of air on each side so dots clear the frame.
/// `None` when there is no instant at all.
pub(super) fn time_domain(
    instants: impl IntoIterator<Item = DateTime<Utc>>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (lo, hi) =
        instants
            .into_iter()
            .fold(None, |acc: Option<(DateTime<Utc>, DateTime<Utc>)>, t| {
                Some(acc.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))))
            })?;
    let span = (hi - lo).max(TimeDelta::days(2));
    let widen = (span - (hi - lo)) / 2 + span / 33;
    let lo = lo.checked_sub_signed(widen).unwrap_or(lo);
    let hi = hi.checked_add_signed(widen).unwrap_or(hi);
    Some((lo, hi))
}

/// One labelled tick of a time axis. `year` is the second label line, set on the first tick and
/// wherever the year changes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DateTick {
    pub at: DateTime<Utc>,
    pub label: String,
    pub year: Option<String>,
}

/// Readable ticks for `[t0, t1]` drawn `width` units wide: the finest interval whose labels keep
/// 16 units apart and that gives at most one tick per 64 units.
pub(super) fn date_ticks(
    t0: DateTime<Utc>,
    t1: DateTime<Utc>,
    width: f64,
    font: f64,
) -> Vec<DateTick> {
    let span = (secs(t1) - secs(t0)).max(1.0);
    let per_sec = width / span;
    let max_ticks = (width / 64.0).max(2.0);
    for interval in candidates() {
        if span / interval.approx_secs() > max_ticks + 1.0 {
            continue;
        }
        let ticks = generate(interval, t0, t1);
        let widest = ticks
            .iter()
            .map(|t| {
                text_width(&t.label, font)
                    .max(t.year.as_deref().map_or(0.0, |y| text_width(y, font)))
            })
            .fold(0.0, f64::max);
        let closest = ticks
            .windows(2)
            .map(|w| (secs(w[1].at) - secs(w[0].at)) * per_sec)
            .fold(f64::INFINITY, f64::min);
        if super::scale::idx(ticks.len()) <= max_ticks && closest >= widest + 16.0 {
            return ticks;
        }
    }
    Vec::new()
}

fn generate(interval: Interval, t0: DateTime<Utc>, t1: DateTime<Utc>) -> Vec<DateTick> {
    let end = t1.naive_utc();
    let mut ticks: Vec<DateTick> = Vec::new();
    let mut day = interval.first(t0.naive_utc());
    while let Some(d) = day {
        let at = d.and_time(NaiveTime::MIN);
        if at > end || ticks.len() > 64 {
            break;
        }
        let year = match (interval, ticks.last()) {
            (Interval::Years(_), _) => None,
            (_, Some(prev)) if prev.at.year() == d.year() => None,
            _ => Some(d.format("%Y").to_string()),
        };
        ticks.push(DateTick {
            at: at.and_utc(),
            label: interval.label(d),
            year,
        });
        day = interval.next(d);
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn labels(t0: DateTime<Utc>, t1: DateTime<Utc>) -> Vec<String> {
        let (lo, hi) = time_domain([t0, t1]).unwrap_or((t0, t1));
        date_ticks(lo, hi, 600.0, 15.0)
            .into_iter()
            .map(|t| {
                t.year
                    .map_or(t.label.clone(), |y| format!("{} {y}", t.label))
            })
            .collect()
    }

    #[test]
    fn days_for_a_span_of_days() {
        assert_eq!(
            labels(at(2026, 3, 2), at(2026, 3, 12)),
            ["Mar 3 2026", "Mar 5", "Mar 7", "Mar 9", "Mar 11"]
        );
    }

    #[test]
    fn weeks_start_on_mondays() {
        // 2026-03-02 is a Monday.
        assert_eq!(
            labels(at(2026, 3, 1), at(2026, 3, 22)),
            ["Mar 2 2026", "Mar 9", "Mar 16", "Mar 23"]
        );
    }

    #[test]
    fn months_for_half_a_year_with_the_year_once() {
        assert_eq!(
            labels(at(2025, 12, 29), at(2026, 6, 29)),
            ["Jan 2026", "Feb", "Mar", "Apr", "May", "Jun", "Jul"]
        );
        assert_eq!(
            labels(at(2025, 9, 10), at(2026, 3, 20))[..5],
            ["Oct 2025", "Nov", "Dec", "Jan 2026", "Feb"]
        );
    }

    #[test]
    fn years_for_a_span_of_years() {
        assert_eq!(
            labels(at(2021, 3, 1), at(2026, 2, 1)),
            ["2022", "2023", "2024", "2025", "2026"]
        );
        let wide = labels(at(1900, 1, 1), at(2100, 1, 1));
        assert_eq!(wide, ["1900", "1950", "2000", "2050", "2100"]);
    }

    #[test]
    fn degenerate_spans() {
        let t = at(2026, 6, 30);
        let (lo, hi) = time_domain([t, t]).unwrap_or((t, t));
        assert!(hi - lo >= TimeDelta::days(2));
        assert!(!date_ticks(lo, hi, 600.0, 15.0).is_empty());
        assert_eq!(time_domain(Vec::<DateTime<Utc>>::new()), None);
        let (lo, hi) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        let ticks = date_ticks(lo, hi, 600.0, 15.0);
        assert!(ticks.len() <= 8, "{ticks:?}");
        assert!(time_domain([lo, hi]).is_some());
    }
}
