//! A race drawn as one chart: every racer's measure over time since the start, each racer in
//! its palette fill (kept by its bet's id, as in every chart), its reports as dots, its fitted
//! trend solid over the evidence and dotted on to the finish, with the band the bet chart uses
//! (the trend ± 1 standard error, here read at each instant, so it widens toward the finish),
//! and a vertical rule at the finish. Also the one mark a race page puts beside it: a racer's
//! P(best) as a bar in the racer's fill.
//!
//! The input is plain data: the page reads the engine's fit at the instants it wants drawn.
//! Files: `draw` (the layout in both widths and the written summary), `marks` (one racer's
//! dots, trend and band, the finish rule), `meter` (the P(best) bar outside the chart).

mod draw;
mod marks;
mod meter;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

pub use meter::p_best_bar;

/// One instant of a racer's fitted trend: its value and standard error there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    pub at: DateTime<Utc>,
    pub value: f64,
    pub se: f64,
}

/// A racer's fitted trend: read at instants in time order, drawn solid up to `solid_until`
/// (where the evidence stops) and dotted after it (the forecast on to the finish).
#[derive(Debug, Clone, PartialEq)]
pub struct RaceTrend {
    pub points: Vec<TrendPoint>,
    pub solid_until: DateTime<Utc>,
}

/// One racer on the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RaceSeries {
    /// What picks its fill: the bet's id.
    pub key: i64,
    /// "Chat stickers (Pod A)".
    pub name: String,
    /// Its reports since the start, in the measure's unit.
    pub reports: Vec<(DateTime<Utc>, f64)>,
    pub trend: Option<RaceTrend>,
}

/// A race over time.
#[derive(Debug, Clone)]
pub struct RaceChart<'a> {
    /// The finding, shown at the top and used as the accessible name.
    pub title: &'a str,
    /// The value axis: "weekly active users", "Progress toward its threshold".
    pub measure: &'a str,
    pub unit: &'a str,
    pub start: DateTime<Utc>,
    pub finish: DateTime<Utc>,
    pub racers: &'a [RaceSeries],
    /// Every racer's key, drawn or not, so that each keeps the fill it has elsewhere on the
    /// page (its P(best) bar).
    pub keys: &'a [i64],
    /// Said in the summary after the marks: who is not drawn, and why.
    pub note: &'a str,
}

/// Both layouts of the race chart.
pub fn race_chart(c: &RaceChart) -> String {
    super::frame::both(|layout| draw::render(c, layout))
}
