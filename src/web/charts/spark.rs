//! Leaderboard sparklines: 80 x 20, a line, the last point marked, an optional faint threshold.
//! Unlike the big charts they are sized in pixels (`width="80" height="20"`) because they sit in a
//! table cell, have a transparent background for striped rows, and carry no text but a `<title>`.

use super::frame::OKABE_ITO;
use super::scale::{Linear, idx};
use super::svg::{Svg, num};
use crate::web::format::full;

const W: f64 = 80.0;
const H: f64 = 20.0;
/// Inner margin, so the end dot and the stroke are not clipped.
const M: f64 = 3.0;
const LINE: &str = OKABE_ITO[0];

pub(super) fn render(values: &[f64], threshold: Option<f64>) -> String {
    let points: Vec<(usize, f64)> = values
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .collect();
    let threshold = threshold.filter(|t| t.is_finite());
    let title = match (points.last(), threshold) {
        (None, _) => "No data".to_owned(),
        (Some((_, v)), None) => format!("Latest {}", full(*v)),
        (Some((_, v)), Some(t)) => format!("Latest {} (threshold {})", full(*v), full(t)),
    };
    // The id only has to differ between sparklines of one page; the values are the content.
    let key: String = points
        .iter()
        .map(|(i, v)| format!("{i}:{v};"))
        .chain([format!("{threshold:?}")])
        .collect();
    let id = format!("hr-spark-{:012x}", super::frame::fnv1a(&[&key]) >> 16);

    let lo = points
        .iter()
        .map(|p| p.1)
        .chain(threshold)
        .fold(f64::INFINITY, f64::min);
    let hi = points
        .iter()
        .map(|p| p.1)
        .chain(threshold)
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if hi - lo > 0.0 && (hi - lo).is_finite() {
        (lo, hi)
    } else {
        (lo - 1.0, lo + 1.0)
    };
    let x = Linear::new((0.0, idx(values.len().saturating_sub(1))), (M, W - M));
    let y = Linear::new((lo, hi), (H - M, M));

    let mut svg = Svg::new();
    svg.el("svg")
        .a("xmlns", "http://www.w3.org/2000/svg")
        .a("viewBox", "0 0 80 20")
        .a("width", W)
        .a("height", H)
        .a("role", "img")
        .a("aria-labelledby", &id)
        .a("class", "hr-spark")
        .with(|s| {
            s.el("title").a("id", &id).text(&title);
            if let Some(t) = threshold {
                let line = s
                    .el("line")
                    .a("x1", 0.0)
                    .a("x2", W)
                    .a("y1", y.map(t))
                    .a("y2", y.map(t));
                line.a("stroke", "#9a9a9a")
                    .a("stroke-width", 1.0)
                    .a("stroke-dasharray", "2 2")
                    .end();
            }
            if points.len() > 1 {
                let coords: Vec<String> = points
                    .iter()
                    .map(|(i, v)| format!("{},{}", num(x.map(idx(*i))), num(y.map(*v))))
                    .collect();
                s.el("polyline")
                    .a("points", &coords.join(" "))
                    .a("fill", "none")
                    .a("stroke", LINE)
                    .a("stroke-width", 1.5)
                    .a("stroke-linejoin", "round")
                    .a("stroke-linecap", "round")
                    .end();
            }
            if let Some((i, v)) = points.last() {
                s.el("circle")
                    .a("cx", x.map(idx(*i)))
                    .a("cy", y.map(*v))
                    .a("r", 2.5)
                    .a("fill", LINE)
                    .end();
            }
        });
    svg.finish()
}
