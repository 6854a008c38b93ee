//! What the metric chart's axes span, and what is left outside them. This module owns two
//! decisions that keep a stray report from squashing the evidence:
//!
//! - **Time:** reports far before everything else (a back-dated report) are left out of the
//!   span. A leading report is "far" when its gap to the next instant of the chart is longer
//!   than everything after it spans, and longer than four weeks: including it would squash the
//!   rest into less than half the width. It is drawn as a marker at the left edge, and a note
//!   under the chart says "1 report on 2025-01-03 lies before the chart".
//! - **Values:** the y axis is scaled to the reports in force (corrected ones do not count, as
//!   they do not count for the engine), the thresholds and the trend. A corrected report outside
//!   that scale is drawn as a marker at the edge it lies beyond, with its value in its title and
//!   a note under the chart.

use chrono::{DateTime, TimeDelta, Utc};

use super::ReportPoint;
use super::axis::fitting_ticks;
use super::dates::time_domain;
use super::metric_data::{Data, visible_thresholds, with_unit};
use super::scale::Ticks;
use crate::web::format::{date, full};

/// A leading report nearer than this to the rest of the chart always stays in its span.
const KEEP: TimeDelta = TimeDelta::days(28);

/// Where a corrected report lies off the scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Edge {
    Above,
    Below,
}

pub(super) struct Range<'a> {
    pub t0: DateTime<Utc>,
    pub t1: DateTime<Utc>,
    pub y_ticks: Ticks,
    /// Reports left out of the time span: before `t0`, oldest first.
    pub before: Vec<&'a ReportPoint>,
    /// Corrected reports in the span whose values lie outside the scale.
    pub off_scale: Vec<(&'a ReportPoint, Edge)>,
}

impl Range<'_> {
    /// Whether `r` is drawn as a marker rather than a dot.
    pub(super) fn is_marked(&self, r: &ReportPoint) -> bool {
        self.before.iter().any(|b| b.id == r.id) || self.off_scale.iter().any(|(o, _)| o.id == r.id)
    }

    pub(super) fn edge_of(&self, r: &ReportPoint) -> Option<Edge> {
        self.off_scale
            .iter()
            .find(|(o, _)| o.id == r.id)
            .map(|(_, e)| *e)
    }
}

/// How many of the oldest `reports` (sorted by time) lie far before the rest of the chart
/// (`anchors`: the other instants that must stay in view, the rounds and the trend's end): the
/// fewest whose gap to everything after them is longer than all that spans, and than four
/// weeks. The reports left out are always fewer than those kept, so a long silence late in a
/// bet's history cannot push its early reports out.
fn leading_outliers(reports: &[&ReportPoint], anchors: &[DateTime<Utc>]) -> usize {
    let (Some(first_anchor), Some(last_anchor)) = (anchors.iter().min(), anchors.iter().max())
    else {
        return leading_outliers_among(reports, None);
    };
    leading_outliers_among(reports, Some((*first_anchor, *last_anchor)))
}

fn leading_outliers_among(
    reports: &[&ReportPoint],
    anchors: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> usize {
    let Some(last) = reports.last().map(|r| r.at) else {
        return 0;
    };
    (1..reports.len())
        .find(|&k| {
            let (mut lo, mut hi) = (reports[k].at, last);
            if let Some((a, b)) = anchors {
                (lo, hi) = (lo.min(a), hi.max(b));
            }
            k < reports.len() - k
                && lo.signed_duration_since(reports[k - 1].at) > (hi - lo).max(KEEP)
        })
        .unwrap_or(0)
}

/// The chart's spans for `data` (whose trend is cut to start in the span), or `None` when
/// there is nothing to plot. `plot_height` decides how many value ticks fit.
pub(super) fn range<'a>(data: &mut Data<'a>, plot_height: f64) -> Option<Range<'a>> {
    let mut anchors: Vec<DateTime<Utc>> = data.rounds.iter().map(|r| r.at).collect();
    if let Some(f) = &data.trend {
        anchors.extend([f.to].into_iter().chain(f.extension.map(|e| e.0)));
    }
    let cut = leading_outliers(&data.reports, &anchors);
    let (before, kept) = data.reports.split_at(cut);
    let first = kept
        .first()
        .map(|r| r.at)
        .into_iter()
        .chain(data.rounds.first().map(|r| r.at))
        .min()?;
    // The trend may start at a report left out (the engine fits what it fits); it is drawn from
    // the first instant in view.
    if let Some(f) = data.trend.as_mut() {
        f.start_at(first);
    }
    let mut instants: Vec<DateTime<Utc>> = kept.iter().map(|r| r.at).collect();
    instants.extend(anchors);
    // Thresholds set long before the first report would only stretch the axis; later ones
    // (a planned step up) are worth the room.
    instants.extend(data.thresholds.iter().map(|t| t.0).filter(|t| *t >= first));
    if let Some(f) = &data.trend {
        instants.push(f.from);
    }
    let (t0, t1) = time_domain(instants)?;

    let in_force: Vec<f64> = kept
        .iter()
        .filter(|r| r.superseded_by.is_none())
        .map(|r| r.value)
        .collect();
    let mut values = if in_force.is_empty() {
        kept.iter().map(|r| r.value).collect()
    } else {
        in_force
    };
    values.extend(visible_thresholds(&data.thresholds, t0, t1).map(|t| t.1));
    if let Some(f) = &data.trend {
        values.extend([
            f.start - f.se,
            f.start + f.se,
            f.level - f.se,
            f.level + f.se,
        ]);
        values.extend(f.extension.map(|e| e.1));
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let y_ticks = fitting_ticks(lo, hi, plot_height, false);
    let slack = (y_ticks.hi - y_ticks.lo).abs() * 1e-9;
    let off_scale = kept
        .iter()
        .filter_map(|r| {
            if r.value > y_ticks.hi + slack {
                Some((*r, Edge::Above))
            } else if r.value < y_ticks.lo - slack {
                Some((*r, Edge::Below))
            } else {
                None
            }
        })
        .collect();
    Some(Range {
        t0,
        t1,
        y_ticks,
        before: before.to_vec(),
        off_scale,
    })
}

/// The notes under the chart for what is drawn at its edges, each led by its marker's glyph:
/// "◀ 1 report on 2025-01-03 lies before the chart", "▲ 1 corrected report lies above the
/// scale: 2,049 ms on 2026-05-03".
pub(super) fn notes(range: &Range, unit: &str) -> Vec<String> {
    let mut notes = Vec::new();
    match range.before.as_slice() {
        [] => {}
        [one] => notes.push(format!(
            "◀ 1 report on {} lies before the chart",
            date(one.at)
        )),
        [first, .., last] => notes.push(format!(
            "◀ {} reports from {} to {} lie before the chart",
            range.before.len(),
            date(first.at),
            date(last.at)
        )),
    }
    for (edge, glyph, word, extreme) in [
        (Edge::Above, "▲", "above", "up to"),
        (Edge::Below, "▼", "below", "down to"),
    ] {
        let off: Vec<&ReportPoint> = range
            .off_scale
            .iter()
            .filter(|(_, e)| *e == edge)
            .map(|(r, _)| *r)
            .collect();
        let value = |r: &ReportPoint| with_unit(full(r.value), unit);
        match off.as_slice() {
            [] => {}
            [one] => notes.push(format!(
                "{glyph} 1 corrected report lies {word} the scale: {} on {}",
                value(one),
                date(one.at)
            )),
            many => {
                let pick = |a: &&ReportPoint, b: &&ReportPoint| a.value.total_cmp(&b.value);
                let far = if edge == Edge::Above {
                    many.iter().copied().max_by(pick)
                } else {
                    many.iter().copied().min_by(pick)
                };
                notes.push(format!(
                    "{glyph} {} corrected reports lie {word} the scale, {extreme} {}",
                    many.len(),
                    far.map_or_else(String::new, value)
                ));
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::charts::testutil::{at, report};

    fn cut(reports: &[ReportPoint], anchors: &[DateTime<Utc>]) -> usize {
        let refs: Vec<&ReportPoint> = reports.iter().collect();
        leading_outliers(&refs, anchors)
    }

    #[test]
    fn only_reports_far_before_the_rest_are_left_out() {
        let year_before = at(1, 3) - TimeDelta::days(365);
        let reports = [
            report(1, year_before, 1.0, None),
            report(2, at(3, 1), 1.0, None),
            report(3, at(6, 1), 1.0, None),
        ];
        assert_eq!(cut(&reports, &[]), 1, "a year before three months");
        assert_eq!(cut(&reports[1..], &[]), 0);
        // A round back then keeps the old report in view: it is not far from everything.
        assert_eq!(cut(&reports, &[year_before + TimeDelta::days(3)]), 0);
        // Three weeks before a one-week cluster stays: nearer than four weeks.
        let young = [
            report(1, at(3, 1), 1.0, None),
            report(2, at(3, 22), 1.0, None),
            report(3, at(3, 29), 1.0, None),
        ];
        assert_eq!(cut(&young, &[]), 0);
        // Two back-dated reports, both far: both left out; a lone report never is.
        let two = [
            report(1, year_before, 1.0, None),
            report(2, year_before + TimeDelta::days(1), 1.0, None),
            report(3, at(3, 1), 1.0, None),
            report(4, at(4, 1), 1.0, None),
            report(5, at(6, 1), 1.0, None),
        ];
        assert_eq!(cut(&two, &[]), 2);
        assert_eq!(cut(&two[..1], &[]), 0);
        assert_eq!(
            cut(
                &[report(1, DateTime::<Utc>::MIN_UTC, 1.0, None)],
                &[DateTime::<Utc>::MAX_UTC]
            ),
            0
        );
        // Three monthly reports and a late one after a long silence: the bulk is early.
        let silence = [
            report(1, at(1, 1), 1.0, None),
            report(2, at(2, 1), 1.0, None),
            report(3, at(3, 1), 1.0, None),
            report(4, at(8, 1), 1.0, None),
        ];
        assert_eq!(cut(&silence, &[]), 0);
    }
}
