//! The marks of the metric chart other than the dots: round rules with their decision chips, the
//! trend with its band, and the threshold steps. This module owns the chip rows, which keep chips
//! of rounds close in time from covering each other.

use chrono::{DateTime, Utc};

use super::RoundMark;
use super::Tone;
use super::dates::secs;
use super::frame::{DOWN, FONT, INK, RULE, UP};
use super::metric::TREND;
use super::metric_data::{Fit, visible_thresholds, with_unit};
use super::scale::{Linear, idx};
use super::svg::Svg;
use super::text::{fit, text_width};
use crate::web::format::{date, full, sig3};

const CHIP_H: f64 = 22.0;
const CHIP_ROW: f64 = 27.0;
const MAX_ROWS: usize = 3;

/// A round's chip, placed: `x` is the round's instant, the chip spans `left..left + width`.
pub(super) struct Chip<'a> {
    round: &'a RoundMark,
    text: String,
    /// Where the round's rule runs.
    pub x: f64,
    left: f64,
    width: f64,
    row: usize,
}

/// Puts each chip centred over its round, inside `bounds`, in the first of up to three rows
/// where it clears the chips already there (or, when none is free, the row that ends first).
/// A decision's word is cut to `room` (less on a narrow chart).
pub(super) fn layout_chips<'a>(
    rounds: &[&'a RoundMark],
    x: &Linear,
    bounds: (f64, f64),
    room: f64,
) -> Vec<Chip<'a>> {
    let mut row_end = [f64::NEG_INFINITY; MAX_ROWS];
    rounds
        .iter()
        .map(|round| {
            let text = if round.label.trim().is_empty() {
                "round".to_owned()
            } else {
                fit(&round.label, room, FONT)
            };
            let width = text_width(&text, FONT) + 16.0;
            let cx = x.map(secs(round.at));
            let left = (cx - width / 2.0).min(bounds.1 - width).max(bounds.0);
            let row = (0..MAX_ROWS)
                .find(|r| row_end[*r] + 6.0 <= left)
                .unwrap_or_else(|| {
                    (0..MAX_ROWS)
                        .min_by(|a, b| row_end[*a].total_cmp(&row_end[*b]))
                        .unwrap_or(0)
                });
            row_end[row] = left + width;
            Chip {
                round,
                text,
                x: cx,
                left,
                width,
                row,
            }
        })
        .collect()
}

/// Height of the chip rows above the plot.
pub(super) fn chip_rows(chips: &[Chip]) -> f64 {
    chips.iter().map(|c| idx(c.row + 1)).fold(0.0, f64::max) * CHIP_ROW
}

/// Thin vertical rules from each chip down through the plot, drawn under the data.
pub(super) fn draw_rules(svg: &mut Svg, chips: &[Chip], top: f64, bottom: f64) {
    for chip in chips {
        let y1 = top + idx(chip.row) * CHIP_ROW + CHIP_H;
        let rule = svg
            .el("line")
            .a("x1", chip.x)
            .a("x2", chip.x)
            .a("y1", y1)
            .a("y2", bottom);
        rule.a("stroke", RULE).a("stroke-width", 1.0).end();
    }
}

/// The chips: the decision in words on a light tint of its meaning colour, outlined in that
/// colour, with the round and date on hover.
pub(super) fn draw_chips(svg: &mut Svg, chips: &[Chip], top: f64) {
    for chip in chips {
        let (stroke, tint) = match chip.round.tone {
            Tone::Up => (UP, "#d9f0ea"),
            Tone::Down => (DOWN, "#f9e7d9"),
            Tone::Neutral => (RULE, "#efefef"),
        };
        let y = top + idx(chip.row) * CHIP_ROW;
        let title = format!(
            "Round {}: {}, {}",
            chip.round.round_id,
            chip.round.label,
            date(chip.round.at)
        );
        svg.el("g").with(|s| {
            s.el("title").text(&title);
            s.el("rect")
                .a("x", chip.left)
                .a("y", y)
                .a("width", chip.width)
                .a("height", CHIP_H)
                .a("rx", 4.0)
                .a("fill", tint)
                .a("stroke", stroke)
                .a("stroke-width", 1.5)
                .end();
            s.el("text")
                .a("x", chip.left + chip.width / 2.0)
                .a("y", y + 16.0)
                .a("text-anchor", "middle")
                .a("fill", INK)
                .text(&chip.text);
        });
    }
}

/// "Trend 12,100 ± 300 users at 2026-06-29, +45.2 users per day".
pub(super) fn trend_text(f: &Fit, unit: &str) -> String {
    let sign = if f.slope > 0.0 { "+" } else { "" };
    format!(
        "Trend {} ± {} at {}, {sign}{} per day",
        sig3(f.level),
        with_unit(sig3(f.se), unit),
        date(f.to),
        with_unit(sig3(f.slope), unit)
    )
}

/// The band (level ± se at both ends), the fitted line over the window and its dotted extension.
pub(super) fn draw_trend(svg: &mut Svg, f: &Fit, unit: &str, x: &Linear, y: &Linear) {
    let (x0, x1) = (x.map(secs(f.from)), x.map(secs(f.to)));
    let title = trend_text(f, unit);
    svg.el("g").with(|s| {
        s.el("title").text(&title);
        let band = format!(
            "M{} {}L{} {}L{} {}L{} {}Z",
            n(x0),
            n(y.map(f.start + f.se)),
            n(x1),
            n(y.map(f.level + f.se)),
            n(x1),
            n(y.map(f.level - f.se)),
            n(x0),
            n(y.map(f.start - f.se))
        );
        s.el("path")
            .a("d", &band)
            .a("fill", TREND)
            .a("fill-opacity", 0.2)
            .end();
        let line = format!(
            "M{} {}L{} {}",
            n(x0),
            n(y.map(f.start)),
            n(x1),
            n(y.map(f.level))
        );
        s.el("path")
            .a("d", &line)
            .a("fill", "none")
            .a("stroke", TREND)
            .a("stroke-width", 2.5)
            .end();
        if let Some((end, value)) = f.extension {
            let ext = format!(
                "M{} {}L{} {}",
                n(x1),
                n(y.map(f.level)),
                n(x.map(secs(end))),
                n(y.map(value))
            );
            s.el("path")
                .a("d", &ext)
                .a("fill", "none")
                .a("stroke", TREND)
                .a("stroke-width", 2.0)
                .a("stroke-dasharray", "2 4")
                .a("stroke-linecap", "round")
                .end();
        }
    });
}

/// The threshold as one dashed step line: each target from its start to the next step, the last
/// to the right edge; steps outside the time domain are clipped away.
pub(super) fn draw_threshold(
    svg: &mut Svg,
    steps: &[(DateTime<Utc>, f64)],
    unit: &str,
    (t0, t1): (DateTime<Utc>, DateTime<Utc>),
    x: &Linear,
    y: &Linear,
) {
    let mut d = String::new();
    for (from, target, until) in visible_thresholds(steps, t0, t1) {
        let (xa, xb, ya) = (x.map(secs(from)), x.map(secs(until)), y.map(target));
        let verb = if d.is_empty() { "M" } else { "L" };
        d.push_str(&format!("{verb}{} {}H{}", n(xa), n(ya), n(xb)));
    }
    if d.is_empty() {
        return;
    }
    let title: Vec<String> = steps
        .iter()
        .map(|(from, t)| format!("{} from {}", with_unit(full(*t), unit), date(*from)))
        .collect();
    svg.el("path")
        .a("d", &d)
        .a("fill", "none")
        .a("stroke", INK)
        .a("stroke-width", 1.5)
        .a("stroke-dasharray", "7 4")
        .with(|s| {
            s.el("title")
                .text(&format!("Threshold {}", title.join(", then ")))
        });
}

fn n(v: f64) -> String {
    super::svg::num(v)
}
