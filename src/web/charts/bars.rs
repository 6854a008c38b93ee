//! Horizontal bars comparing amounts across a few labelled items (arenas, teams). This module owns
//! the three columns of that chart: labels on the left, bars from zero, and the amount written at
//! each bar's end, with room for the longest amount reserved so no label leaves the chart.

use super::axis::{Plot, fitting_ticks, x_value_axis};
use super::frame::{
    DOWN, FONT, INK, MUTED, OKABE_ITO, PAD, WIDTH, amount, document, draw_title, empty, major,
    title_height, title_lines,
};
use super::scale::{Linear, idx};
use super::text::{fit, text_width};
use super::{Bar, Bars};

const ROW: f64 = 32.0;
const BAR: f64 = 20.0;
const MAX_LABEL: f64 = 200.0;
/// The narrowest the bars may get before the label column is cut further.
const MIN_PLOT: f64 = 200.0;

/// The text at the bar's end: the amount, then the note.
fn end_label(c: &Bars, bar: &Bar) -> (String, Option<String>) {
    let note = bar
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| fit(n, 90.0, FONT));
    (amount(c.currency, bar.value.into(), c.exponent), note)
}

fn end_width((amount, note): &(String, Option<String>)) -> f64 {
    text_width(amount, FONT) + note.as_deref().map_or(0.0, |n| text_width(n, FONT) + 8.0)
}

pub(super) fn render(c: &Bars) -> String {
    if c.bars.is_empty() {
        return empty("bars", c.title, "No data yet");
    }
    let ends: Vec<(String, Option<String>)> = c.bars.iter().map(|b| end_label(c, b)).collect();
    // Amounts are never cut, so the label column gives way when they are long.
    let end_room = ends.iter().map(end_width).fold(0.0, f64::max);
    let label_room = (WIDTH - 2.0 * PAD - end_room - 20.0 - MIN_PLOT).clamp(60.0, MAX_LABEL);
    let labels: Vec<String> = c
        .bars
        .iter()
        .map(|b| fit(&b.label, label_room, FONT))
        .collect();
    let label_width = labels
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max);

    let lo = c.bars.iter().map(|b| b.value).min().unwrap_or(0).min(0);
    let hi = c.bars.iter().map(|b| b.value).max().unwrap_or(0).max(0);
    // All zero: a 0..1 minor unit axis rather than one around zero.
    let hi = if lo == 0 && hi == 0 { 1 } else { hi };
    let left = PAD + label_width + 12.0;
    let right = WIDTH - PAD - end_room - 8.0;
    let (lo, hi) = (major(lo.into(), c.exponent), major(hi.into(), c.exponent));
    let mut x_ticks = fitting_ticks(lo, hi, right - left, true);
    // The longest bar ends at the right edge, not at the next round tick: bars are read by their
    // length and their written amount, so empty axis beyond the data would only shrink them.
    x_ticks
        .values
        .retain(|v| *v >= lo - x_ticks.step * 1e-9 && *v <= hi + x_ticks.step * 1e-9);
    let x = Linear::new((lo, hi), (left, right));

    let lines = title_lines(c.title);
    let top = title_height(&lines) + 10.0;
    let plot = Plot {
        left,
        top,
        right,
        bottom: top + ROW * idx(c.bars.len()),
    };
    let height = plot.bottom + 56.0 + PAD;
    let desc: Vec<String> = c
        .bars
        .iter()
        .zip(&ends)
        .map(|(b, e)| format!("{}: {}", b.label, end_text(e)))
        .collect();

    document(
        "bars",
        (WIDTH, height),
        c.title,
        &format!("{}.", desc.join("; ")),
        |svg, _| {
            draw_title(svg, &lines);
            x_value_axis(svg, &plot, &x_ticks, &x, ("Amount", c.currency));
            let zero = x.map(0.0);
            for (i, ((bar, label), end)) in c.bars.iter().zip(&labels).zip(&ends).enumerate() {
                let cy = top + ROW * (idx(i) + 0.5);
                let to = x.map(major(bar.value.into(), c.exponent));
                let colour = if bar.value < 0 { DOWN } else { OKABE_ITO[0] };
                let title = format!("{}: {}", bar.label, end_text(end));
                svg.el("rect")
                    .a("x", zero.min(to))
                    .a("y", cy - BAR / 2.0)
                    .a(
                        "width",
                        (to - zero)
                            .abs()
                            .max(if bar.value == 0 { 0.0 } else { 1.0 }),
                    )
                    .a("height", BAR)
                    .a("fill", colour)
                    .with(|s| s.el("title").text(&title));
                svg.el("text")
                    .a("x", left - 10.0)
                    .a("y", cy + 5.0)
                    .a("text-anchor", "end")
                    .a("fill", INK)
                    .text(label);
                let (value, note) = end;
                svg.el("text")
                    .a("x", zero.max(to) + 6.0)
                    .a("y", cy + 5.0)
                    .a("fill", INK)
                    .with(|s| {
                        s.text(value);
                        if let Some(note) = note {
                            s.el("tspan").a("dx", 8.0).a("fill", MUTED).text(note);
                        }
                    });
            }
            let axis = svg
                .el("line")
                .a("x1", zero)
                .a("x2", zero)
                .a("y1", plot.top)
                .a("y2", plot.bottom);
            axis.a("stroke", super::frame::RULE)
                .a("stroke-width", 1.0)
                .end();
        },
    )
}

fn end_text((amount, note): &(String, Option<String>)) -> String {
    match note {
        Some(n) => format!("{amount} ({n})"),
        None => amount.clone(),
    }
}
