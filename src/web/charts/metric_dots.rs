//! The reports on the metric chart: a dot for each report in view (hollow when corrected), a
//! marker at the edge for each report outside the axes (a back-dated report left of the chart,
//! a corrected outlier beyond the scale), and the link from each corrected report to its
//! replacement, with what each says when hovered.
//!
//! A correction usually keeps the original's instant, so its link runs straight up or down,
//! just like a round's rule. To keep the two apart the link is a dashed curve in the reports'
//! blue that bows away from the nearest round rule, where the rules are thin, solid and grey.

use super::ReportPoint;
use super::axis::Plot;
use super::dates::secs;
use super::metric::REPORT;
use super::metric_data::with_unit;
use super::metric_range::{Edge, Range};
use super::scale::Linear;
use super::svg::{Svg, num};
use crate::web::format::{date, full};

const DOT_R: f64 = 4.5;
/// How far a link's control point lies beside the straight line: the curve's middle is half
/// as far, 8 units, clear of a rule through both its ends.
const BOW: f64 = 16.0;

/// What the dots are drawn against.
pub(super) struct Frame<'a> {
    pub x: &'a Linear,
    pub y: &'a Linear,
    pub plot: &'a Plot,
    pub range: &'a Range<'a>,
    pub unit: &'a str,
    /// Where the round rules run.
    pub rules: &'a [f64],
}

impl Frame<'_> {
    /// Where a report is drawn: its place, or the edge it lies beyond.
    fn position(&self, r: &ReportPoint) -> (f64, f64) {
        let (lo, hi) = (self.range.y_ticks.lo, self.range.y_ticks.hi);
        if self.range.before.iter().any(|b| b.id == r.id) {
            return (self.plot.left, self.y.map(r.value.clamp(lo, hi)));
        }
        let x = self.x.map(secs(r.at));
        match self.range.edge_of(r) {
            Some(Edge::Above) => (x, self.plot.top),
            Some(Edge::Below) => (x, self.plot.bottom),
            None => (x, self.y.map(r.value)),
        }
    }

    /// "12,345 users · 2026-06-30 · corrected by report 812 · above the scale".
    fn title(&self, r: &ReportPoint) -> String {
        let mut title = format!("{} · {}", with_unit(full(r.value), self.unit), date(r.at));
        if let Some(id) = r.superseded_by {
            title.push_str(&format!(" · corrected by report {id}"));
        }
        if self.range.before.iter().any(|b| b.id == r.id) {
            title.push_str(" · before the chart");
        }
        match self.range.edge_of(r) {
            Some(Edge::Above) => title.push_str(" · above the scale"),
            Some(Edge::Below) => title.push_str(" · below the scale"),
            None => {}
        }
        title
    }
}

pub(super) fn draw_reports(svg: &mut Svg, reports: &[&ReportPoint], f: &Frame) {
    for r in reports {
        let Some(next) = r
            .superseded_by
            .and_then(|id| reports.iter().find(|n| n.id == id))
        else {
            continue;
        };
        if let Some(d) = link_path(f.position(r), f.position(next), f.rules) {
            let title = format!("Report {} corrected by report {}", r.id, next.id);
            svg.el("path")
                .a("d", &d)
                .a("fill", "none")
                .a("stroke", REPORT)
                .a("stroke-width", 1.25)
                .a("stroke-dasharray", "3 3")
                .with(|s| s.el("title").text(&title));
        }
    }
    // Hollow dots first, so a replacement at the same spot stays on top.
    let (old, current): (Vec<&&ReportPoint>, Vec<&&ReportPoint>) =
        reports.iter().partition(|r| r.superseded_by.is_some());
    for r in old.into_iter().chain(current) {
        let (cx, cy) = f.position(r);
        let title = f.title(r);
        let el = if f.range.is_marked(r) {
            let d = marker(f, r, (cx, cy));
            svg.el("path").a("d", &d)
        } else {
            svg.el("circle").a("cx", cx).a("cy", cy).a("r", DOT_R)
        };
        let el = if r.superseded_by.is_some() {
            el.a("fill", "#ffffff")
                .a("stroke", REPORT)
                .a("stroke-width", 1.5)
        } else {
            el.a("fill", REPORT)
                .a("stroke", "#ffffff")
                .a("stroke-width", 1.0)
        };
        el.with(|s| s.el("title").text(&title));
    }
}

/// A triangle inside the plot pointing at the edge the report lies beyond: ◀ before the
/// chart, ▲ above the scale, ▼ below it (the glyphs the notes under the chart use).
fn marker(f: &Frame, r: &ReportPoint, (x, y): (f64, f64)) -> String {
    let (tip, base_a, base_b) = if f.range.before.iter().any(|b| b.id == r.id) {
        ((x + 1.0, y), (x + 11.0, y - 6.0), (x + 11.0, y + 6.0))
    } else if f.range.edge_of(r) == Some(Edge::Below) {
        ((x, y - 1.0), (x - 6.0, y - 11.0), (x + 6.0, y - 11.0))
    } else {
        ((x, y + 1.0), (x - 6.0, y + 11.0), (x + 6.0, y + 11.0))
    };
    format!(
        "M{} {}L{} {}L{} {}Z",
        num(tip.0),
        num(tip.1),
        num(base_a.0),
        num(base_a.1),
        num(base_b.0),
        num(base_b.1)
    )
}

/// The link between two marks: a quadratic curve bowing to the side of the straight line that
/// lies farther from the nearest round rule; none when the marks (nearly) coincide.
fn link_path((x1, y1): (f64, f64), (x2, y2): (f64, f64), rules: &[f64]) -> Option<String> {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = dx.hypot(dy);
    if !len.is_finite() || len < 2.0 * DOT_R {
        return None;
    }
    let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    let bow = BOW.min(len);
    let (nx, ny) = (-dy / len * bow, dx / len * bow);
    let clearance = |cx: f64| {
        rules
            .iter()
            .map(|r| (r - cx).abs())
            .fold(f64::INFINITY, f64::min)
    };
    let (cx, cy) = if clearance(mx - nx) > clearance(mx + nx) {
        (mx - nx, my - ny)
    } else {
        (mx + nx, my + ny)
    };
    Some(format!(
        "M{} {}Q{} {} {} {}",
        num(x1),
        num(y1),
        num(cx),
        num(cy),
        num(x2),
        num(y2)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_bow_away_from_the_nearest_rule() {
        // A vertical link at x = 100 with a rule on it and another at 110: the curve goes left.
        let d = link_path((100.0, 50.0), (100.0, 150.0), &[100.0, 110.0]).unwrap_or_default();
        assert_eq!(d, "M100 50Q84 100 100 150");
        let d = link_path((100.0, 50.0), (100.0, 150.0), &[90.0]).unwrap_or_default();
        assert_eq!(d, "M100 50Q116 100 100 150");
        assert_eq!(
            link_path((1.0, 1.0), (2.0, 2.0), &[]),
            None,
            "marks overlap"
        );
        assert_eq!(link_path((f64::NAN, 1.0), (2.0, 2.0), &[]), None);
    }
}
