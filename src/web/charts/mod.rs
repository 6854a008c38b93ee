//! Placeholder until the chart module lands: the agreed API, drawing nothing.
use chrono::{DateTime, Utc};
pub struct ReportPoint {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub value: f64,
    pub superseded_by: Option<i64>,
}
pub struct ThresholdStep {
    pub from: DateTime<Utc>,
    pub target: f64,
}
pub struct Trend {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub level: f64,
    pub slope_per_day: f64,
    pub se: f64,
    pub extend_to: Option<DateTime<Utc>>,
}
pub enum Tone {
    Up,
    Down,
    Neutral,
}
pub struct RoundMark {
    pub at: DateTime<Utc>,
    pub label: String,
    pub tone: Tone,
    pub round_id: i64,
}
pub struct MetricChart<'a> {
    pub title: &'a str,
    pub metric: &'a str,
    pub unit: &'a str,
    pub reports: &'a [ReportPoint],
    pub thresholds: &'a [ThresholdStep],
    pub trend: Option<Trend>,
    pub rounds: &'a [RoundMark],
}
pub fn metric_chart(c: &MetricChart) -> String {
    format!(
        "<svg viewBox=\"0 0 720 360\" role=\"img\"><title>{}</title>{}</svg>",
        c.title,
        c.reports
            .iter()
            .map(|r| format!("<circle><title>{}</title></circle>", r.value))
            .collect::<String>()
    )
}
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
    pub ended_after: Option<usize>,
}
pub struct StackedBars<'a> {
    pub title: &'a str,
    pub categories: &'a [String],
    pub series: &'a [Series],
    pub currency: &'a str,
    pub exponent: u32,
}
pub fn stacked_bars(c: &StackedBars) -> String {
    format!(
        "<svg viewBox=\"0 0 720 360\" role=\"img\"><title>{}</title></svg>",
        c.title
    )
}
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub note: Option<String>,
}
pub struct Bars<'a> {
    pub title: &'a str,
    pub bars: &'a [Bar],
    pub currency: &'a str,
    pub exponent: u32,
}
pub fn bars(c: &Bars) -> String {
    format!(
        "<svg viewBox=\"0 0 720 360\" role=\"img\"><title>{}</title></svg>",
        c.title
    )
}
pub fn sparkline(values: &[f64], threshold: Option<f64>) -> String {
    let _ = threshold;
    format!(
        "<svg viewBox=\"0 0 80 20\"><title>{}</title></svg>",
        values.len()
    )
}
