//! Placeholder formatting until the chart module lands.
use chrono::{DateTime, Utc};
pub fn sig3(v: f64) -> String {
    format!("{v:.3}")
}
pub fn full(v: f64) -> String {
    format!("{v}")
}
pub fn percent(p: f64) -> String {
    format!("{:.0}%", p * 100.0)
}
pub fn date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}
pub fn datetime(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
pub fn group_thousands_i64(n: i64) -> String {
    n.to_string()
}
