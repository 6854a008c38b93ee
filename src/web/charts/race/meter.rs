//! A racer's P(best) as a bar outside the chart: a grey track the width of its box and, over
//! it, the racer's share of it in the racer's fill (the fill its key has among the race's keys,
//! as in the chart's legend), with a thin dark mark where the race's confidence lies (what the
//! leader needs for a call). Drawn in SVG so that its width is an attribute: the pages' policy
//! allows no inline style. The percentage is written beside it by the page, so the bar is
//! hidden from assistive technology.

use crate::web::charts::frame::INK;
use crate::web::charts::palette::{Fill, assign, paint, patterns};
use crate::web::charts::svg::Svg;

/// The bar of `p` (0 to 1) for the racer `key` of a race whose racers are `keys`, marked at
/// `needed`. Its pattern, when its fill has one, is named after the key, so each racer's bar
/// may appear once a page.
pub fn p_best_bar(keys: &[i64], key: i64, p: f64, needed: f64) -> String {
    let mut all: Vec<i64> = keys.to_vec();
    all.push(key);
    all.sort_unstable();
    all.dedup();
    let fills = assign(&all.iter().copied().map(Some).collect::<Vec<_>>());
    let fill = all
        .binary_search(&key)
        .ok()
        .and_then(|i| fills.get(i).copied())
        .unwrap_or(Fill::Other);
    let share = |v: f64| {
        if v.is_finite() {
            (v * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    };
    let id = format!("hr-pbest-{key}");
    let mut svg = Svg::new();
    svg.el("svg")
        .a("xmlns", "http://www.w3.org/2000/svg")
        .a("class", "pbest")
        .a("viewBox", "0 0 100 8")
        .a("preserveAspectRatio", "none")
        .a("aria-hidden", "true")
        .a("focusable", "false")
        .with(|s| {
            patterns(s, &[fill], &id);
            s.el("rect")
                .a("width", 100.0)
                .a("height", 8.0)
                .a("fill", "#e4e4e4")
                .end();
            s.el("rect")
                .a("width", share(p))
                .a("height", 8.0)
                .a("fill", &paint(fill, &id))
                .end();
            s.el("rect")
                .a("x", (share(needed) - 0.4).max(0.0))
                .a("width", 0.8)
                .a("height", 8.0)
                .a("fill", INK)
                .end();
        });
    svg.finish()
}
