//! The metric chart's data, cleaned: unplottable values dropped, everything sorted so output
//! does not depend on input order, the trend checked and extended, and the chart's written
//! summary (its `<desc>`). Drawing lives in `metric` and `metric_marks`.

use chrono::{DateTime, Utc};

use super::dates::secs;
use super::{MetricChart, ReportPoint, RoundMark};
use crate::web::format::{date, full};

/// The validated trend: both ends and the optional extension, all finite.
pub(super) struct Fit {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub start: f64,
    pub level: f64,
    pub se: f64,
    pub slope: f64,
    pub extension: Option<(DateTime<Utc>, f64)>,
}

impl Fit {
    /// The fit drawn from `t` on when it starts earlier: the line is straight, so its value at
    /// `t` is read off the same slope.
    pub(super) fn start_at(&mut self, t: DateTime<Utc>) {
        if self.from < t && t < self.to {
            let start = self.level - self.slope * days(t, self.to);
            if start.is_finite() {
                self.from = t;
                self.start = start;
            }
        }
    }
}

/// The chart's input with everything unplottable dropped and everything sorted, so the output
/// does not depend on input order.
pub(super) struct Data<'a> {
    pub reports: Vec<&'a ReportPoint>,
    pub thresholds: Vec<(DateTime<Utc>, f64)>,
    pub trend: Option<Fit>,
    pub rounds: Vec<&'a RoundMark>,
}

fn days(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (secs(b) - secs(a)) / 86_400.0
}

impl<'a> Data<'a> {
    pub(super) fn new(c: &MetricChart<'a>) -> Self {
        let mut reports: Vec<&ReportPoint> =
            c.reports.iter().filter(|r| r.value.is_finite()).collect();
        reports.sort_by_key(|r| (r.at, r.id));
        let mut thresholds: Vec<(DateTime<Utc>, f64)> = c
            .thresholds
            .iter()
            .filter(|t| t.target.is_finite())
            .map(|t| (t.from, t.target))
            .collect();
        thresholds.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut rounds: Vec<&RoundMark> = c.rounds.iter().collect();
        rounds.sort_by_key(|r| (r.at, r.round_id));
        let trend = c.trend.as_ref().and_then(|t| {
            let (from, to) = (t.from.min(t.to), t.from.max(t.to));
            let start = t.level - t.slope_per_day * days(from, to);
            let se = t.se.abs();
            // The band's corners must be finite too, or the y axis could not hold them.
            let ok = [
                start - se,
                start + se,
                t.level - se,
                t.level + se,
                t.slope_per_day,
            ]
            .iter()
            .all(|v| v.is_finite());
            let extension = t
                .extend_to
                .filter(|e| *e > to)
                .map(|e| (e, t.level + t.slope_per_day * days(to, e)))
                .filter(|(_, v)| v.is_finite());
            ok.then_some(Fit {
                from,
                to,
                start,
                level: t.level,
                se,
                slope: t.slope_per_day,
                extension,
            })
        });
        Data {
            reports,
            thresholds,
            trend,
            rounds,
        }
    }

    pub(super) fn has_corrected(&self) -> bool {
        self.reports.iter().any(|r| r.superseded_by.is_some())
    }

    pub(super) fn has_current(&self) -> bool {
        self.reports.iter().any(|r| r.superseded_by.is_none())
    }
}

/// Threshold steps whose span overlaps `[t0, t1]`, each with the instant it ends.
pub(super) fn visible_thresholds(
    steps: &[(DateTime<Utc>, f64)],
    t0: DateTime<Utc>,
    t1: DateTime<Utc>,
) -> impl Iterator<Item = (DateTime<Utc>, f64, DateTime<Utc>)> {
    steps
        .iter()
        .enumerate()
        .filter_map(move |(i, (from, target))| {
            let until = steps.get(i + 1).map_or(t1, |next| next.0.min(t1));
            let from = (*from).max(t0);
            (from < until).then_some((from, *target, until))
        })
}

/// What the metric is called in the summary: "weekly active users (users)".
fn metric_name(c: &MetricChart) -> String {
    match (c.metric.trim(), c.unit.trim()) {
        ("", "") => "Value".to_owned(),
        ("", unit) => unit.to_owned(),
        (metric, "") => metric.to_owned(),
        (metric, unit) => format!("{metric} ({unit})"),
    }
}

/// `value` followed by the unit, if there is one.
pub(super) fn with_unit(value: String, unit: &str) -> String {
    if unit.trim().is_empty() {
        value
    } else {
        format!("{value} {unit}")
    }
}

pub(super) fn describe(c: &MetricChart, data: &Data) -> String {
    let (Some(first), Some(last)) = (data.reports.first(), data.reports.last()) else {
        return "No reports yet.".to_owned();
    };
    let latest = data
        .reports
        .iter()
        .rev()
        .find(|r| r.superseded_by.is_none())
        .unwrap_or(last);
    let mut d = format!(
        "{} reports of {} from {} to {}; latest {} on {}.",
        data.reports.len(),
        metric_name(c),
        date(first.at),
        date(last.at),
        with_unit(full(latest.value), c.unit),
        date(latest.at)
    );
    let corrected = data
        .reports
        .iter()
        .filter(|r| r.superseded_by.is_some())
        .count();
    if corrected > 0 {
        d.push_str(&format!(" {corrected} corrected."));
    }
    let steps: Vec<String> = data
        .thresholds
        .iter()
        .map(|(from, t)| format!("{} from {}", with_unit(full(*t), c.unit), date(*from)))
        .collect();
    if !steps.is_empty() {
        d.push_str(&format!(" Threshold {}.", steps.join(", then ")));
    }
    if let Some(f) = &data.trend {
        d.push_str(&format!(" {}.", super::metric_marks::trend_text(f, c.unit)));
    }
    let rounds: Vec<String> = data
        .rounds
        .iter()
        .map(|r| format!("{} on {}", r.label, date(r.at)))
        .collect();
    if !rounds.is_empty() {
        d.push_str(&format!(" Rounds: {}.", rounds.join(", ")));
    }
    d
}
