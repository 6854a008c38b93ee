//! SVG charts drawn on the server and embedded in the pages.
//!
//! Every big chart (metric, stacked, bars) is drawn twice, for a wide box (720 viewBox units) and
//! for a narrow one (400 units, a phone), and its function returns both, each complete `<svg>`
//! in a wrapper: `<div class="chart-wide">…</div><div class="chart-narrow">…</div>`. The
//! stylesheet shows exactly one, by the width of the `.chart-box` around it (a container query),
//! and hides the other with `display: none`. Sparklines are one `<svg>`. The output is safe to put
//! straight into HTML: all caller strings are XML-escaped, tags balance, ids differ between the
//! two layouts, and there is no script and no external reference. Output is deterministic (same
//! input, same bytes) and no input panics: empty slices, a single point, equal values, NaN or
//! infinite values (skipped), identical timestamps and huge ranges all give a sensible chart.
//!
//! The look follows `docs/pages.md`: Okabe-Ito hues for categories (`palette`, picked by each
//! series' stable key), #009E73 / #D55E00 for up / down with a word beside the colour, labelled
//! axes with units, a `<title>` on every mark so hovering shows the exact value and date,
//! `role="img"` with `aria-labelledby` and a `<desc>`. Charts are sized by `viewBox` with
//! `width="100%"`; the root carries the classes `hr-chart hr-chart-<kind>` (`metric`, `stacked`,
//! `bars`) for the pages' CSS, sparklines `hr-spark`. Presentation is in attributes, so a chart
//! needs no stylesheet.
//!
//! Files: `svg` (escaping writer), `text` (label widths), `scale`, `dates` and `calendar`
//! (ticks), `axis`, `frame` (layouts and the root), `legend` and `palette` (shared drawing),
//! then the files of each chart kind (`metric*`, `stacked` and `stacking`, `bars`, `spark`) and
//! the tests (`*_tests`, `testutil`).

mod axis;
mod bars;
mod calendar;
mod dates;
#[cfg(test)]
mod edge_tests;
mod frame;
#[cfg(test)]
mod layout_tests;
mod legend;
mod metric;
mod metric_data;
mod metric_dots;
mod metric_marks;
mod metric_range;
#[cfg(test)]
mod metric_tests;
#[cfg(test)]
mod money_tests;
mod palette;
pub mod race;
mod scale;
mod spark;
mod stacked;
mod stacking;
mod svg;
#[cfg(test)]
mod testutil;
mod text;

use chrono::{DateTime, Utc};

/// One report of a bet's metric.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPoint {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub value: f64,
    /// The id of the report that replaced it.
    pub superseded_by: Option<i64>,
}

/// A threshold target, in force from `from` until the next step.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdStep {
    pub from: DateTime<Utc>,
    pub target: f64,
}

/// The fitted trend of the last window.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Fitted value at `to`.
    pub level: f64,
    /// Change per day.
    pub slope_per_day: f64,
    /// Standard error of the level (band = level ± se), drawn at both ends.
    pub se: f64,
    /// Optional extension (dotted) up to this instant, e.g. the next round.
    pub extend_to: Option<DateTime<Utc>>,
}

/// The meaning of a round's decision for the bet, shown as the chip's colour (beside its word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Up,
    Down,
    Neutral,
}

/// A round instant on a bet's metric chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundMark {
    pub at: DateTime<Utc>,
    /// The decision: "seed", "increase", "killed"...
    pub label: String,
    pub tone: Tone,
    pub round_id: i64,
}

/// A bet's metric over time, with its thresholds, trend and rounds.
#[derive(Debug, Clone)]
pub struct MetricChart<'a> {
    /// The finding, shown at the top and used as the accessible name.
    pub title: &'a str,
    /// e.g. "weekly active users".
    pub metric: &'a str,
    pub unit: &'a str,
    pub reports: &'a [ReportPoint],
    pub thresholds: &'a [ThresholdStep],
    pub trend: Option<Trend>,
    pub rounds: &'a [RoundMark],
}

/// Reports as dots, corrections as hollow dots linked to their replacement, the trend with its
/// band, the threshold steps dashed and rounds as rules with decision chips. The axes are
/// scaled to the reports in force; a corrected report beyond the scale and a report far before
/// the rest are drawn as markers at the edge, with a note under the chart. Both layouts.
pub fn metric_chart(c: &MetricChart) -> String {
    frame::both(|layout| metric::render(c, layout))
}

/// One stacked series: amounts in minor units, one per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
    /// Index of the category after which the series ended (a killed bet); drawn with a ×
    /// marker after that column and "(killed)" in the legend.
    pub ended_after: Option<usize>,
    /// What picks the series' fill: a stable identity such as the bet's id, so that the series
    /// keeps its fill in every chart and on every reload, whatever its place in the list.
    /// `None` for the rest taken together ("other bets"), drawn in grey.
    pub key: Option<i64>,
}

/// Money per category (round), stacked by series (bet or arena).
#[derive(Debug, Clone)]
pub struct StackedBars<'a> {
    pub title: &'a str,
    /// e.g. "R1 2026-03-31".
    pub categories: &'a [String],
    pub series: &'a [Series],
    pub currency: &'a str,
    /// Minor-unit digits of the currency (2 for USD), for axis labels.
    pub exponent: u32,
}

/// One column per category, one fill per series (by its key), amounts on the y axis in major
/// units. Both layouts.
pub fn stacked_bars(c: &StackedBars) -> String {
    frame::both(|layout| stacked::render(c, layout))
}

/// One horizontal bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// Minor units.
    pub value: i64,
    /// e.g. "+12%", shown after the amount.
    pub note: Option<String>,
}

/// Amounts compared across a few labelled items (e.g. arenas).
#[derive(Debug, Clone)]
pub struct Bars<'a> {
    pub title: &'a str,
    pub bars: &'a [Bar],
    pub currency: &'a str,
    pub exponent: u32,
}

/// Horizontal bars: label left and the amount at the bar's end (wide), or label and amount
/// above the bar (narrow). Both layouts.
pub fn bars(c: &Bars) -> String {
    frame::both(|layout| bars::render(c, layout))
}

/// A leaderboard sparkline, 80 x 20: the line, the last point marked, an optional faint
/// threshold; no text but a `<title>` with the last value. Non-finite values are skipped.
pub fn sparkline(values: &[f64], threshold: Option<f64>) -> String {
    spark::render(values, threshold)
}
